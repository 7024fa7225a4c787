// Steady-state evaluation allocates nothing: global operator new/delete are replaced with
// counting versions (which also track the bytes live); an evaluator is warmed up on the example claims, then decides them all
// again 100 times per path, and the count must not move. The paths measured:
//   json-in    ppl_decide_json, then every accessor (claim, lines, reasons, adjustments)
//   json-out   ppl_decide_json, then ppl_decision_json compact and pretty
//   builder    the claim built with the builder API, ppl_claim_decide, every accessor
//
// Then ppl_evaluator_trim gives back what one large claim made the evaluator keep.
//
// Usage: ppl_embed_alloc_test PACK.pplb CLAIMS_DIR
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <malloc.h>
#include <new>
#include <string>
#include <vector>

#include "ppl/ppl.h"
#include "tests/embed/support.h"

namespace {
std::atomic<uint64_t> gAllocations{0};
std::atomic<int64_t> gLiveBytes{0};  // as malloc counts them (malloc_usable_size)

void* counted(void* p) {
  gAllocations.fetch_add(1, std::memory_order_relaxed);
  gLiveBytes.fetch_add(static_cast<int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  return p;
}
void* allocate(std::size_t size) {
  if (void* p = std::malloc(size ? size : 1)) return counted(p);
  throw std::bad_alloc();
}
void* allocateAligned(std::size_t size, std::align_val_t align) {
  const std::size_t a = static_cast<std::size_t>(align);
  if (void* p = std::aligned_alloc(a, (size + a - 1) / a * a)) return counted(p);
  throw std::bad_alloc();
}
void release(void* p) noexcept {
  if (p != nullptr) gLiveBytes.fetch_sub(static_cast<int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  std::free(p);
}
}  // namespace

void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return allocate(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return allocate(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new(std::size_t size, std::align_val_t align) { return allocateAligned(size, align); }
void* operator new[](std::size_t size, std::align_val_t align) { return allocateAligned(size, align); }
void* operator new(std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  try {
    return allocateAligned(size, align);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  try {
    return allocateAligned(size, align);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }

namespace {

int failures = 0;

void expectOk(ppl_status s, const char* what) {
  if (s != PPL_OK) {
    std::fprintf(stderr, "FAIL: %s: %s\n", what, ppl_status_name(s));
    ++failures;
  }
}

// Reads every accessor of the decision; returns a checksum so nothing is optimised away.
size_t readAll(const ppl_decision* d) {
  size_t sum = 0;
  const char* s = nullptr;
  size_t n = 0;
  ppl_verdict v;
  expectOk(ppl_decision_verdict(d, &v), "verdict");
  expectOk(ppl_decision_claim_id(d, &s, &n), "claim id");
  sum += n + static_cast<size_t>(v);
  const char* version = nullptr;
  expectOk(ppl_decision_policy(d, &s, &version), "policy");
  size_t lines = 0;
  expectOk(ppl_decision_line_count(d, &lines), "line count");
  for (size_t i = 0; i < lines; ++i) {
    int64_t number = 0;
    expectOk(ppl_line_number(d, i, &number), "line number");
    expectOk(ppl_line_hcpcs(d, i, &s, &n), "hcpcs");
    expectOk(ppl_line_verdict(d, i, &v), "line verdict");
    sum += static_cast<size_t>(number) + n + static_cast<size_t>(v);
    size_t reasons = 0;
    expectOk(ppl_line_reason_count(d, i, &reasons), "reason count");
    for (size_t k = 0; k < reasons; ++k) {
      ppl_action action;
      ppl_group group;
      size_t rarcs = 0;
      expectOk(ppl_reason_rule(d, i, k, &s), "rule");
      expectOk(ppl_reason_action(d, i, k, &action), "action");
      expectOk(ppl_reason_group(d, i, k, &group), "group");
      expectOk(ppl_reason_carc(d, i, k, &s), "carc");
      expectOk(ppl_reason_rarc_count(d, i, k, &rarcs), "rarc count");
      for (size_t r = 0; r < rarcs; ++r) expectOk(ppl_reason_rarc(d, i, k, r, &s), "rarc");
      expectOk(ppl_reason_message(d, i, k, &s, &n), "message");
      sum += n + rarcs;
    }
    size_t adjustments = 0;
    expectOk(ppl_line_adjustment_count(d, i, &adjustments), "adjustment count");
    for (size_t k = 0; k < adjustments; ++k) {
      ppl_group group;
      expectOk(ppl_adjustment_rule(d, i, k, &s), "adjustment rule");
      expectOk(ppl_adjustment_group(d, i, k, &group), "adjustment group");
      expectOk(ppl_adjustment_carc(d, i, k, &s), "adjustment carc");
      expectOk(ppl_adjustment_percent(d, i, k, &s), "adjustment percent");
      sum += s[0];
    }
  }
  return sum;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s PACK.pplb CLAIMS_DIR\n", argv[0]);
    return 2;
  }
  char error[PPL_ERROR_BUFFER_SIZE];
  ppl_program* program = nullptr;
  if (ppl_program_load_file(argv[1], nullptr, &program, error, sizeof error) != PPL_OK) {
    std::fprintf(stderr, "%s\n", error);
    return 1;
  }
  ppl_evaluator* ev = nullptr;
  expectOk(ppl_evaluator_new(program, &ev), "evaluator");
  const std::vector<ppl_test::ExampleClaim> claims = ppl_test::exampleClaims(argv[2]);
  std::vector<ppl_test::ClaimScript> scripts(claims.size());
  for (size_t i = 0; i < claims.size(); ++i) {
    std::string message;
    if (!scripts[i].compile(program, claims[i].json, message)) {
      std::fprintf(stderr, "%s: %s\n", claims[i].name.c_str(), message.c_str());
      return 1;
    }
  }
  if (claims.empty() || failures) return 1;

  size_t sink = 0;
  auto jsonIn = [&] {
    for (const auto& claim : claims) {
      const ppl_decision* d = nullptr;
      expectOk(ppl_decide_json(ev, claim.json.data(), claim.json.size(), &d), "decide json");
      sink += readAll(d);
    }
  };
  auto jsonOut = [&] {
    for (const auto& claim : claims) {
      const ppl_decision* d = nullptr;
      const char* json = nullptr;
      size_t size = 0;
      expectOk(ppl_decide_json(ev, claim.json.data(), claim.json.size(), &d), "decide json");
      expectOk(ppl_decision_json(d, 0, &json, &size), "json");
      sink += size;
      expectOk(ppl_decision_json(d, PPL_JSON_PRETTY, &json, &size), "pretty json");
      sink += size;
    }
  };
  auto builder = [&] {
    for (const auto& script : scripts) {
      const ppl_decision* d = nullptr;
      expectOk(script.run(ev, &d), "builder");
      sink += readAll(d);
    }
  };

  struct Path {
    const char* name;
    std::function<void()> run;
  };
  const Path paths[] = {{"json-in + accessors", jsonIn}, {"json-in + json-out", jsonOut}, {"builder + accessors", builder}};

  // Warm-up: every path twice over every claim, so each buffer reaches the largest claim's size.
  const uint64_t beforeWarmup = gAllocations.load();
  for (int round = 0; round < 2; ++round) {
    for (const Path& p : paths) p.run();
  }
  std::printf("warm-up: %llu allocations (buffers growing)\n",
              static_cast<unsigned long long>(gAllocations.load() - beforeWarmup));

  constexpr int kRounds = 100;
  for (const Path& p : paths) {
    const uint64_t before = gAllocations.load();
    for (int round = 0; round < kRounds; ++round) p.run();
    const uint64_t count = gAllocations.load() - before;
    const size_t decisions = size_t{kRounds} * claims.size();
    std::printf("%-22s %zu decisions, %llu allocations (%.3f per decision)\n", p.name, decisions,
                static_cast<unsigned long long>(count), static_cast<double>(count) / static_cast<double>(decisions));
    if (count != 0) {
      std::fprintf(stderr, "FAIL: %s allocated in the steady state\n", p.name);
      ++failures;
    }
  }
  // Review 18a F2: a large claim grows the evaluator's buffers, and trimming gives them back. A
  // 16 MiB unknown string through JSON (decided; unknown keys are ignored), then a 16 MiB
  // claim_id through the builder.
  {
    const int64_t warm = gLiveBytes.load();
    constexpr size_t kBig = size_t{16} << 20;
    {
      std::string big = claims.front().json;
      big.insert(big.find('{') + 1, "\"padding\": \"" + std::string(kBig, 'x') + "\", ");
      expectOk(ppl_decide_json(ev, big.data(), big.size(), nullptr), "decide a large claim");
      ppl_field claimId = PPL_FIELD_NONE;
      ppl_record root = 0;
      expectOk(ppl_field_handle(program, "claim_id", &claimId), "claim_id handle");
      expectOk(ppl_claim_begin(ev, &root), "begin a large claim");
      expectOk(ppl_set_string(ev, root, claimId, big.data() + big.size() - kBig, kBig), "a large claim_id");
    }
    const int64_t grown = gLiveBytes.load() - warm;
    expectOk(ppl_evaluator_trim(ev), "trim");
    const int64_t trimmed = gLiveBytes.load() - warm;
    for (const Path& p : paths) p.run();  // as warm as before: the examples' sizes again
    const int64_t rewarmed = gLiveBytes.load() - warm;
    std::printf("a large claim kept %lld bytes more; trimmed, %lld; warm again, %lld\n",
                static_cast<long long>(grown), static_cast<long long>(trimmed), static_cast<long long>(rewarmed));
    if (grown < static_cast<int64_t>(kBig + kBig / 2)) {
      std::fprintf(stderr, "FAIL: a large claim through JSON and the builder did not grow the evaluator\n");
      ++failures;
    }
    if (rewarmed > 256 * 1024) {
      std::fprintf(stderr, "FAIL: ppl_evaluator_trim kept %lld bytes of a large claim\n", static_cast<long long>(rewarmed));
      ++failures;
    }
  }

  ppl_evaluator_free(ev);
  ppl_program_free(program);
  std::printf("checksum %zu\n", sink);
  if (failures) return 1;
  std::printf("steady state allocates nothing\n");
  return 0;
}
