// pplc's subcommands and what they share: exit codes, argument scanning, file input, program
// loading and buffered output. One file per subcommand (cmd_*.cpp); main.cpp dispatches.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "bytecode/bytecode.h"

namespace ppl::cli {

// Distinct exit codes for "done", "bad input" and "usage" (docs/spec/decision.md).
constexpr int kExitOk = 0;        // checked, built, decided (whatever the decision)
constexpr int kExitBadInput = 1;  // a policy, claim or bytecode file is bad; the message says where
constexpr int kExitUsage = 2;     // the command line itself is wrong
constexpr int kExitInternal = 3;  // a failure of pplc itself, never of the input: a script can tell a bug from bad input

// The subcommands. `args` excludes "pplc" and the subcommand's name.
int runCheck(const std::vector<std::string>& args);
int runBuild(const std::vector<std::string>& args);
int runFmt(const std::vector<std::string>& args);
int runEval(const std::vector<std::string>& args);
int runDisasm(const std::vector<std::string>& args);
int runTest(const std::vector<std::string>& args);

// Their help texts, printed by `pplc help CMD` and `pplc CMD --help`.
extern const char* const kCheckHelp;
extern const char* const kBuildHelp;
extern const char* const kFmtHelp;
extern const char* const kEvalHelp;
extern const char* const kDisasmHelp;
extern const char* const kTestHelp;

// Writes `text` to stderr. A failed write is ignored, as fmt::print's exception was not: stderr
// closed or on a full disk must not cost the claims still to decide (or turn exit 1 into 3).
void printError(std::string_view text);

// Prints `pplc CMD: message` and a one-line hint to --help on stderr; returns kExitUsage.
int usageError(std::string_view command, std::string_view message);

// True when `paths` names standard input (`-`): a usage error for the commands that read files
// only, which would otherwise report "-: no such file or directory".
bool namesStdin(const std::vector<std::string>& paths);

// Prints `what: message` on stderr (after flushing stdout, so a terminal shows the two streams
// in order), each through printable(); returns kExitBadInput.
int inputError(std::string_view what, std::string_view message);

// `text` with each control character (below 0x20, and 0x7f) written as the JSON escape `\u00XX`:
// for text from a claim (an id, a key in a JSON path) shown to a person, where a raw newline or
// NUL would break the line it stands in.
std::string printable(std::string_view text);

// Scans a subcommand's arguments. Options may stand anywhere among the operands; `--` ends
// them, and `-` alone is an operand (standard input).
class ArgScanner {
 public:
  explicit ArgScanner(const std::vector<std::string>& args) : args_(args) {}
  // Advances to the next argument: true while there is one. `isOption()` tells its kind.
  bool next();
  bool isOption() const { return isOption_; }
  const std::string& current() const { return current_; }
  // For an option: true when it is `name` (`--output`), optionally written `--output=VALUE`.
  bool is(std::string_view name) const;
  // Takes the option's value (`--output=F`, `--output F`, `-oF`, `-o F`); false when missing.
  bool value(std::string& out);

 private:
  const std::vector<std::string>& args_;
  size_t index_ = 0;
  bool optionsEnded_ = false;
  bool isOption_ = false;
  std::string current_;
};

// Reads a whole file (`-` is standard input). False with an explanation (errno's text) on error.
bool readFile(const std::string& path, std::string& out, std::string& error);

// Replaces the file at `path` by `bytes` all at once, through a temporary file beside it and a
// rename: a reader, or a crash, sees the old file or the new one. A symbolic link is followed
// (its target is replaced, the link stays), the old file's permissions are kept, and what is not
// a regular file (a device such as /dev/stdout or /dev/full, a FIFO) is written in place, since a
// rename would put a regular file where it was. False with errno's text on failure.
bool writeFileAtomically(const std::string& path, const std::string& bytes, std::string& error);

// The name a path is reported under: `<stdin>` for `-`, else the path as given.
std::string displayName(const std::string& path);

// True when `path` names a compiled policy pack (a `.pplb` file) rather than policy sources.
bool isBytecodePath(const std::string& path);

// Loads the program named by `inputs`: one `.pplb` file (read, linked and verified), or policy
// sources (files or directories, compiled). Diagnostics and errors go to stderr, and the
// diagnostics, rendered, to `diagnostics` as well when given. Returns kExitOk, or
// kExitBadInput when the input is bad.
int loadProgram(const std::vector<std::string>& inputs, Program& program, std::string* diagnostics = nullptr);

// One buffered writer for stdout: large writes, no flush per line unless stdout is a terminal.
// The buffer goes to the stream's file descriptor with write(2), after stdio's own buffer is
// flushed (so text printed through stdio keeps its place): a system call costs microseconds in
// a guest (docs/performance.md), and stdio cut each large write in two.
class Output {
 public:
  explicit Output(std::FILE* stream = stdout);
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  // A large `s` goes to the stream at once, not through the buffer.
  void write(std::string_view s);
  // The buffer itself, for a writer that appends a record in place; call endRecord() after.
  std::string& pending() { return buffer_; }
  // Ends a record: flushes when the stream is interactive or the buffer is large.
  void endRecord();
  void flush();
  // True when a write to the stream failed (a full disk, a closed pipe). Nothing more is
  // written after a failure.
  bool failed() const { return failed_ || std::ferror(stream_) != 0; }

 private:
  // 256 KiB: one write(2) per ~600 decisions of `eval --ndjson`; a larger buffer falls out of
  // the core's L2 cache.
  static constexpr size_t kFlushAt = size_t{1} << 18;
  // A write() of at least this many bytes skips the buffer (a threaded `eval --ndjson` hands
  // over ~90 KB a range: copying it into the buffer would cost more than the system call).
  static constexpr size_t kDirectAt = size_t{1} << 15;

  // Writes `n` bytes at `p` to the descriptor, all of them unless it fails.
  void put(const char* p, size_t n);

  std::FILE* stream_;
  int fd_;
  bool interactive_;
  bool failed_ = false;
  std::string buffer_;
};

}  // namespace ppl::cli
