// ppl_policy_seeds: the policy fuzzer's differential check (policy_diff.h) run deterministically
// over seeds, for ctest and for long runs.
//
//   ppl_policy_seeds [--first S] [--count N] [--keep-going] [--skips] [--errors] [--max-skipped PERCENT]
//   ppl_policy_seeds --show SEED         print the policy and claims of one seed
//   ppl_policy_seeds --show-file FILE    the same for a libFuzzer input (a crash, a corpus file)
//   ppl_policy_seeds --check POLICY [MODULE.ppl...] CLAIM...   the check on a policy file, the
//                                        modules it uses and claim files (JSON), to minimize a
//                                        finding by hand
//
// Prints how many policies compiled (the rest failed to check and were skipped), claims decided
// and line verdicts. On a failure prints the seed, the policy and what went wrong, and exits 1
// (after the last seed with --keep-going). --skips prints why each skipped policy failed to check.
// --errors lists the runtime errors both engines stopped with (VM message | reference message).
// --max-skipped fails the run (exit 1) when more than PERCENT of the policies failed to check:
// a stricter checker rule would otherwise silently shrink what the fuzzer covers.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "fuzz/fuzz_common.h"
#include "fuzz/policy_diff.h"
#include "fuzz/policy_gen.h"

namespace {

constexpr size_t kSeedBytes = 4096;  // more than any policy reads

ppl::fuzz::GeneratedCase caseOf(const std::vector<uint8_t>& bytes) {
  ppl::fuzz::Choices choices(bytes.data(), bytes.size());
  return ppl::fuzz::generateCase(choices);
}

void show(const ppl::fuzz::GeneratedCase& c) {
  std::printf("%s", c.policy.c_str());
  for (const auto& [name, text] : c.modules) std::printf("// ---- module file %s\n%s", name.c_str(), text.c_str());
  if (!c.secondPolicy.empty()) std::printf("// ---- second policy file\n%s", c.secondPolicy.c_str());
  for (const std::string& claim : c.claims) std::printf("// claim: %s\n", claim.c_str());
}

int usage() {
  std::fprintf(stderr,
               "usage: ppl_policy_seeds [--first S] [--count N] [--keep-going] [--skips] [--errors] [--max-skipped PERCENT]\n"
               "       ppl_policy_seeds --show SEED | --show-file FILE | --check POLICY CLAIM...\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t first = 1, count = 200;
  bool keepGoing = false, skips = false, errors = false;
  double maxSkipped = 100;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool hasValue = i + 1 < argc;
    if (arg == "--first" && hasValue) {
      first = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--count" && hasValue) {
      count = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--keep-going") {
      keepGoing = true;
    } else if (arg == "--skips") {
      skips = true;
    } else if (arg == "--errors") {
      errors = true;
    } else if (arg == "--max-skipped" && hasValue) {
      char* end = nullptr;
      maxSkipped = std::strtod(argv[++i], &end);
      if (end == argv[i] || *end != '\0' || !(maxSkipped >= 0 && maxSkipped <= 100)) {
        std::fprintf(stderr, "ppl_policy_seeds: `--max-skipped %s`: give a percent from 0 to 100\n", argv[i]);
        return usage();
      }
    } else if (arg == "--show" && hasValue) {
      show(caseOf(ppl::fuzz::seedBytes(std::strtoull(argv[++i], nullptr, 10), kSeedBytes)));
      return 0;
    } else if (arg == "--check" && hasValue) {
      ppl::fuzz::GeneratedCase c;
      for (int j = i + 1; j < argc; ++j) {
        std::string text;
        if (!ppl::fuzz::readFile(argv[j], text)) {
          std::fprintf(stderr, "ppl_policy_seeds: cannot read `%s`\n", argv[j]);
          return 1;
        }
        const std::string path = argv[j];
        if (j == i + 1) {
          c.policy = text;
        } else if (path.size() > 4 && path.compare(path.size() - 4, 4, ".ppl") == 0) {
          c.modules.push_back({path.substr(path.find_last_of('/') + 1), text});
        } else {
          c.claims.push_back(text);
        }
      }
      ppl::fuzz::PolicyDiff diff;
      ppl::fuzz::DiffStats stats;
      std::string checkError;
      const std::string failure = diff.run(c, stats, &checkError);
      if (!checkError.empty()) std::printf("the policy does not check: %s\n", checkError.c_str());
      if (!failure.empty()) std::printf("FAILED: %s\n", failure.c_str());
      std::printf("%llu claims decided, %s\n", static_cast<unsigned long long>(stats.claims), failure.empty() ? "the engines agree" : "a failure");
      return failure.empty() && checkError.empty() ? 0 : 1;
    } else if (arg == "--show-file" && hasValue) {
      std::string text;
      if (!ppl::fuzz::readFile(argv[++i], text)) {
        std::fprintf(stderr, "ppl_policy_seeds: cannot read `%s`\n", argv[i]);
        return 1;
      }
      show(caseOf(std::vector<uint8_t>(text.begin(), text.end())));
      return 0;
    } else {
      return usage();
    }
  }

  ppl::fuzz::PolicyDiff diff;
  ppl::fuzz::DiffStats stats;
  uint64_t failures = 0;
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t seed = first; seed < first + count; ++seed) {
    const ppl::fuzz::GeneratedCase c = caseOf(ppl::fuzz::seedBytes(seed, kSeedBytes));
    std::string checkError;
    const std::string failure = diff.run(c, stats, &checkError);
    if (skips && !checkError.empty()) std::printf("seed %llu skipped: %s\n", static_cast<unsigned long long>(seed), checkError.c_str());
    if (failure.empty()) continue;
    ++failures;
    std::printf("seed %llu FAILED: %s\npolicy:\n%s\n", static_cast<unsigned long long>(seed), failure.c_str(),
                c.policy.c_str());
    for (const auto& [name, text] : c.modules) std::printf("module file %s:\n%s\n", name.c_str(), text.c_str());
    if (!c.secondPolicy.empty()) std::printf("second policy file:\n%s\n", c.secondPolicy.c_str());
    std::fflush(stdout);
    if (!keepGoing) break;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double skipped =
      stats.policies ? 100.0 * static_cast<double>(stats.policies - stats.compiled) / static_cast<double>(stats.policies) : 0.0;
  std::printf(
      "seeds %llu..%llu: %llu policies, %llu compiled (%.1f%% skipped: failed to check), %llu claims decided by "
      "both engines (%llu stopped with a runtime error by both), line verdicts: %llu not_applicable, %llu approve, "
      "%llu pend, %llu deny; %llu reasons, %llu adjustments; %llu failures; %.1f s\n",
      static_cast<unsigned long long>(first), static_cast<unsigned long long>(first + count - 1),
      static_cast<unsigned long long>(stats.policies), static_cast<unsigned long long>(stats.compiled), skipped,
      static_cast<unsigned long long>(stats.claims), static_cast<unsigned long long>(stats.claimErrors),
      static_cast<unsigned long long>(stats.verdicts[0]), static_cast<unsigned long long>(stats.verdicts[1]),
      static_cast<unsigned long long>(stats.verdicts[2]), static_cast<unsigned long long>(stats.verdicts[3]),
      static_cast<unsigned long long>(stats.reasons), static_cast<unsigned long long>(stats.adjustments),
      static_cast<unsigned long long>(failures), seconds);
  if (errors) {
    for (const auto& [pair, n] : stats.errors) std::printf("%8llu  %s\n", static_cast<unsigned long long>(n), pair.c_str());
  }
  if (skipped > maxSkipped) {
    std::printf("%.1f%% of the policies failed to check, more than --max-skipped %g allows: the generator makes "
                "policies the checker rejects (see why with --skips), and they are not fuzzed\n",
                skipped, maxSkipped);
    return 1;
  }
  return failures ? 1 : 0;
}
