// What the fuzz targets share: a check that aborts (so libFuzzer, and the replay runner under
// ASan, count a broken promise as a crash), files and the source tree.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

// A promise of the code under test that the fuzzer checks. On failure: the message on stderr,
// then abort(), which libFuzzer reports as a crash with the input that caused it.
#define PPL_FUZZ_CHECK(cond, ...)                                            \
  do {                                                                       \
    if (!(cond)) {                                                           \
      std::fprintf(stderr, "\nPPL_FUZZ_CHECK failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::fprintf(stderr, __VA_ARGS__);                                     \
      std::fprintf(stderr, "\n");                                            \
      std::abort();                                                          \
    }                                                                        \
  } while (0)

namespace ppl::fuzz {

inline bool readFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

inline bool writeFile(const std::string& path, const char* data, size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = std::fwrite(data, 1, size, f) == size;
  return std::fclose(f) == 0 && ok;
}

// The source tree (policies/, examples/): $PPL_SOURCE_DIR when set, else the one this target
// was configured from.
inline std::string sourceDir() {
  if (const char* env = std::getenv("PPL_SOURCE_DIR"); env != nullptr && *env != '\0') return env;
#ifdef PPL_SOURCE_DIR
  return PPL_SOURCE_DIR;
#else
  return ".";
#endif
}

// Reads a file the target cannot run without; aborts when it is missing.
inline std::string mustRead(const std::string& path) {
  std::string text;
  PPL_FUZZ_CHECK(readFile(path, text), "cannot read `%s` (set PPL_SOURCE_DIR to the source tree)", path.c_str());
  return text;
}

}  // namespace ppl::fuzz
