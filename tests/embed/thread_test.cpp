// One program, many threads: 4 threads, each with its own evaluator (created in the thread),
// decide every example claim 200 times over, alternating the JSON path and the builder path and
// reading accessors, and every decision's JSON must equal the single-threaded one. The main
// thread drops its program handle while the workers run: their evaluators keep it alive.
// scripts/test.sh also runs this under ThreadSanitizer (build-tsan/).
//
// Usage: ppl_embed_thread_test PACK.pplb CLAIMS_DIR [THREADS [ROUNDS]]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "ppl/ppl.h"
#include "tests/embed/support.h"

int main(int argc, char** argv) {
  if (argc < 3 || argc > 5) {
    std::fprintf(stderr, "usage: %s PACK.pplb CLAIMS_DIR [THREADS [ROUNDS]]\n", argv[0]);
    return 2;
  }
  const int threads = argc > 3 ? std::atoi(argv[3]) : 4;
  const int rounds = argc > 4 ? std::atoi(argv[4]) : 200;

  char error[PPL_ERROR_BUFFER_SIZE];
  ppl_program* program = nullptr;
  if (ppl_program_load_file(argv[1], nullptr, &program, error, sizeof error) != PPL_OK) {
    std::fprintf(stderr, "%s\n", error);
    return 1;
  }
  const std::vector<ppl_test::ExampleClaim> claims = ppl_test::exampleClaims(argv[2]);
  if (claims.empty()) {
    std::fprintf(stderr, "no claims in %s\n", argv[2]);
    return 1;
  }

  // Single-threaded references, and the builder scripts.
  std::vector<std::string> reference(claims.size());
  std::vector<ppl_test::ClaimScript> scripts(claims.size());
  {
    ppl_evaluator* ev = nullptr;
    if (ppl_evaluator_new(program, &ev) != PPL_OK) return 1;
    for (size_t i = 0; i < claims.size(); ++i) {
      const ppl_decision* d = nullptr;
      const char* json = nullptr;
      std::string message;
      if (ppl_decide_json(ev, claims[i].json.data(), claims[i].json.size(), &d) != PPL_OK ||
          ppl_decision_json(d, 0, &json, nullptr) != PPL_OK || !scripts[i].compile(program, claims[i].json, message)) {
        std::fprintf(stderr, "%s: cannot decide the reference\n", claims[i].name.c_str());
        return 1;
      }
      reference[i] = json;
    }
    ppl_evaluator_free(ev);
  }

  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::atomic<long> decided{0}, mismatches{0}, errors{0};
  auto worker = [&](int id) {
    ppl_evaluator* ev = nullptr;
    if (ppl_evaluator_new(program, &ev) != PPL_OK) {
      errors.fetch_add(1);
      ready.fetch_add(1);
      return;
    }
    ready.fetch_add(1);
    while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
    for (int round = 0; round < rounds; ++round) {
      for (size_t n = 0; n < claims.size(); ++n) {
        const size_t i = (n + static_cast<size_t>(id)) % claims.size();  // threads out of step
        const ppl_decision* d = nullptr;
        const bool viaBuilder = (round + id) % 2 == 1;
        const ppl_status s =
            viaBuilder ? scripts[i].run(ev, &d) : ppl_decide_json(ev, claims[i].json.data(), claims[i].json.size(), &d);
        const char* json = nullptr;
        size_t lines = 0;
        if (s != PPL_OK || ppl_decision_json(d, 0, &json, nullptr) != PPL_OK ||
            ppl_decision_line_count(d, &lines) != PPL_OK) {
          errors.fetch_add(1);
          continue;
        }
        if (reference[i] != json) mismatches.fetch_add(1);
        for (size_t l = 0; l < lines; ++l) {
          size_t reasons = 0;
          const char* message = nullptr;
          if (ppl_line_reason_count(d, l, &reasons) != PPL_OK) errors.fetch_add(1);
          for (size_t k = 0; k < reasons; ++k) {
            if (ppl_reason_message(d, l, k, &message, nullptr) != PPL_OK) errors.fetch_add(1);
          }
        }
        decided.fetch_add(1, std::memory_order_relaxed);
      }
    }
    ppl_evaluator_free(ev);
  };

  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
  while (ready.load() < threads) std::this_thread::yield();
  ppl_program_free(program);  // the workers' evaluators hold the program now
  go.store(true, std::memory_order_release);
  for (std::thread& t : pool) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::printf("%d threads x %zu claims x %d rounds: %ld decisions in %.2f s (%.0f per second), "
              "%ld mismatches, %ld errors\n",
              threads, claims.size(), rounds, decided.load(), seconds, static_cast<double>(decided.load()) / seconds,
              mismatches.load(), errors.load());
  const long expected = static_cast<long>(threads) * rounds * static_cast<long>(claims.size());
  return decided.load() == expected && mismatches.load() == 0 && errors.load() == 0 ? 0 : 1;
}
