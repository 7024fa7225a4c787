// Random, well-typed PPL policies and claims that exercise them, for differential testing of
// the VM against the reference evaluator (fuzz/policy_fuzzer.cpp, fuzz/policy_seeds.cpp).
// Every choice is read from a byte stream, so libFuzzer's mutations of the bytes become
// mutations of the policy; a seed stands for a stream of pseudo-random bytes (the ctest).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ppl::fuzz {

// The generator's choices, read from bytes. When the bytes run out every choice is 0, and the
// generator makes choice 0 the one that ends recursion, so any input gives a finite policy.
class Choices {
 public:
  Choices(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  // A number in [0, n), n >= 1.
  uint32_t below(uint32_t n);
  // True `percent` times in a hundred (false when the bytes have run out).
  bool chance(uint32_t percent) { return below(100) < percent; }
  bool exhausted() const { return pos_ >= size_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// The bytes seed `seed` stands for (splitmix64), `size` of them.
std::vector<uint8_t> seedBytes(uint64_t seed, size_t size);

struct GeneratedCase {
  std::string policy;  // the policy file
  std::vector<std::pair<std::string, std::string>> modules;  // file name, text: what it `use`s
  // A second policy file in the same program, for lines of business the first does not govern
  // (empty when none): one policy's code must not depend on what compiling another left behind.
  std::string secondPolicy;
  std::vector<std::string> claims;  // claim JSON, each valid by the built-in schema
};

// One policy and the claims to decide with it.
GeneratedCase generateCase(Choices& choices);

}  // namespace ppl::fuzz
