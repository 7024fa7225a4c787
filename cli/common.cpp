// What the subcommands share: error reporting, argument scanning, input files, program loading
// and the buffered stdout writer.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fmt/core.h>

#include "bytecode/pplb.h"
#include "bytecode/verifier.h"
#include "cli/commands.h"
#include "compiler/compiler.h"
#include "compiler/diagnostics.h"

namespace ppl::cli {

namespace fs = std::filesystem;

void printError(std::string_view text) { (void)!std::fwrite(text.data(), 1, text.size(), stderr); }

int usageError(std::string_view command, std::string_view message) {
  std::fflush(stdout);
  if (command.empty()) {
    printError(fmt::format("pplc: {}\nTry `pplc --help`.\n", message));
  } else {
    printError(fmt::format("pplc {}: {}\nTry `pplc {} --help`.\n", command, message, command));
  }
  return kExitUsage;
}

bool namesStdin(const std::vector<std::string>& paths) {
  return std::find(paths.begin(), paths.end(), "-") != paths.end();
}

int inputError(std::string_view what, std::string_view message) {
  std::fflush(stdout);
  printError(fmt::format("{}: {}\n", printable(what), printable(message)));
  return kExitBadInput;
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\u{:04x}", byte);
    } else {
      out += c;
    }
  }
  return out;
}

bool ArgScanner::next() {
  if (index_ >= args_.size()) return false;
  current_ = args_[index_++];
  if (!optionsEnded_ && current_ == "--") {
    optionsEnded_ = true;
    return next();
  }
  isOption_ = !optionsEnded_ && current_.size() > 1 && current_[0] == '-';
  return true;
}

bool ArgScanner::is(std::string_view name) const {
  if (!isOption_) return false;
  std::string_view cur = current_;
  if (cur == name) return true;
  if (name.size() == 2) return cur.substr(0, 2) == name;  // -oVALUE
  return cur.size() > name.size() && cur.substr(0, name.size()) == name &&
         cur[name.size()] == '=';
}

bool ArgScanner::value(std::string& out) {
  size_t eq = current_.find('=');
  if (current_.rfind("--", 0) == 0) {
    if (eq != std::string::npos) {
      out = current_.substr(eq + 1);
      return true;
    }
  } else if (current_.size() > 2) {  // -oVALUE
    out = current_.substr(2);
    return true;
  }
  if (index_ >= args_.size()) return false;
  out = args_[index_++];
  return true;
}

bool readFile(const std::string& path, std::string& out, std::string& error) {
  out.clear();
  bool isStdin = path == "-";
  std::FILE* f = isStdin ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    error = std::strerror(errno);
    return false;
  }
  // Appended from a stack buffer: growing `out` by resize() zeroed a whole 1 MiB chunk first,
  // ~2 M instructions for a one-claim `pplc eval` (deciding the claim takes ~10 k).
  char chunk[64 * 1024];
  for (;;) {
    const size_t n = std::fread(chunk, 1, sizeof chunk, f);
    out.append(chunk, n);
    if (n < sizeof chunk) break;
  }
  bool failed = std::ferror(f) != 0;
  int savedErrno = errno;
  if (!isStdin) std::fclose(f);
  if (failed) {
    error = std::strerror(savedErrno);
    return false;
  }
  return true;
}

namespace {

bool writeWhole(const std::string& file, const std::string& bytes, std::string& error) {
  std::FILE* f = std::fopen(file.c_str(), "wb");
  if (f == nullptr) {
    error = std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  int savedErrno = errno;
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    savedErrno = errno;
  }
  if (!ok) error = std::strerror(savedErrno);
  return ok;
}

}  // namespace

bool writeFileAtomically(const std::string& path, const std::string& bytes, std::string& error) {
  std::error_code ec;
  const fs::path target = fs::weakly_canonical(path, ec);
  const fs::path real = ec ? fs::path(path) : target;
  const fs::file_status status = fs::status(real, ec);
  if (!ec && fs::exists(status) && !fs::is_regular_file(status)) return writeWhole(real.string(), bytes, error);
  // Hidden, and named by process so that two writers of one file do not share it.
  const fs::path temp = real.parent_path() / fmt::format(".{}.{}.tmp", real.filename().string(), ::getpid());
  bool ok = writeWhole(temp.string(), bytes, error);
  if (ok && !ec && fs::exists(status)) {
    std::error_code ignored;
    fs::permissions(temp, status.permissions(), ignored);
  }
  if (ok && std::rename(temp.c_str(), real.c_str()) != 0) {
    ok = false;
    error = std::strerror(errno);
  }
  if (!ok) std::remove(temp.c_str());
  return ok;
}

std::string displayName(const std::string& path) { return path == "-" ? "<stdin>" : path; }

bool isBytecodePath(const std::string& path) {
  constexpr std::string_view kExt = ".pplb";
  if (path.size() > kExt.size() &&
      std::equal(kExt.begin(), kExt.end(), path.end() - static_cast<std::ptrdiff_t>(kExt.size()),
                 [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
    return true;
  }
  // Whatever its name (`pack.bin`, `PACK.PPLB`): a pack begins with its magic, which no policy
  // source can (it would have been read as source and failed on its binary bytes).
  std::error_code ec;
  if (path == "-" || !std::filesystem::is_regular_file(path, ec)) return false;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  char magic[sizeof kPplbMagic];
  const size_t n = std::fread(magic, 1, sizeof magic, f);
  const bool isPack = startsWithPplbMagic(std::string_view(magic, n));
  std::fclose(f);
  return isPack;
}

namespace {

// inputError, with the line kept in `diagnostics` too when given.
int loadError(std::string* diagnostics, std::string_view what, std::string_view message) {
  if (diagnostics != nullptr) *diagnostics = fmt::format("{}: {}\n", printable(what), printable(message));
  return inputError(what, message);
}

int loadBytecode(const std::string& path, Program& program, std::string* diagnostics) {
  std::string bytes;
  std::string error;
  if (!readFile(path, bytes, error)) return loadError(diagnostics, path, fmt::format("cannot read: {}", error));
  if (!readPplb(bytes, program, error)) {
    return loadError(diagnostics, path, fmt::format("not a valid compiled policy pack: {}", error));
  }
  if (!program.link(error)) return loadError(diagnostics, path, fmt::format("cannot link the policy pack: {}", error));
  if (!verifyProgram(program, error)) {
    return loadError(diagnostics, path, fmt::format("bytecode rejected by the verifier: {}", error));
  }
  return kExitOk;
}

}  // namespace

int loadProgram(const std::vector<std::string>& inputs, Program& program, std::string* diagnostics) {
  bool anyBytecode = std::any_of(inputs.begin(), inputs.end(), isBytecodePath);
  if (anyBytecode) {
    if (inputs.size() != 1) {
      return loadError(diagnostics, inputs.front(), "a `.pplb` file must be the only policy input");
    }
    return loadBytecode(inputs.front(), program, diagnostics);
  }
  for (const std::string& path : inputs) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return loadError(diagnostics, path, "no such file or directory");
  }
  Diagnostics diags;
  SourceManager sources;
  bool ok = compilePolicies(inputs, program, diags, sources);
  if (!diags.items().empty()) {
    const std::string text = renderDiagnostics(diags, sources);
    std::fflush(stdout);
    std::fputs(text.c_str(), stderr);
    if (diagnostics != nullptr) *diagnostics = text;
  }
  if (!ok || diags.hasErrors()) {
    if (!diags.hasErrors()) printError("pplc: the policies did not compile\n");
    return diags.hasInternalErrors() ? kExitInternal : kExitBadInput;
  }
  return kExitOk;
}

Output::Output(std::FILE* stream)
    : stream_(stream), fd_(fileno(stream)), interactive_(isatty(fileno(stream)) != 0) {
  buffer_.reserve(kFlushAt);
}

Output::~Output() { flush(); }

void Output::put(const char* p, size_t n) {
  if (failed_ || n == 0) return;
  std::fflush(stream_);  // what was printed through stdio goes first
  while (n > 0) {
    const ssize_t done = ::write(fd_, p, n);
    if (done < 0) {
      if (errno == EINTR) continue;
      failed_ = true;
      return;
    }
    p += done;
    n -= static_cast<size_t>(done);
  }
}

void Output::write(std::string_view s) {
  if (s.size() < kDirectAt) {
    buffer_.append(s.data(), s.size());
    return;
  }
  put(buffer_.data(), buffer_.size());
  buffer_.clear();
  put(s.data(), s.size());
}

void Output::endRecord() {
  if (interactive_ || buffer_.size() >= kFlushAt) flush();
}

void Output::flush() {
  put(buffer_.data(), buffer_.size());
  buffer_.clear();
  std::fflush(stream_);
}

}  // namespace ppl::cli
