// `pplc eval`: decide claims against policies and print the decisions.
//
// Claims come one per file (JSON, pretty output) or one per line (--ndjson: one output line per
// input line, in order). A bad claim never stops the run: it is reported and the next is decided.
// With --threads N, N threads decide NDJSON input, each with its own loader and evaluator. A
// regular file is cut into byte ranges that the threads (the calling thread among them) take in
// turn, read themselves and decide; whichever thread completes the range next due writes it and
// the completed ranges after it. Other input (stdin, a pipe) is read by the calling thread alone,
// in batches of whole lines that N workers decide and it writes in input order. Either way the
// output is the same bytes whatever N is.
//
// An error that names a position of malformed JSON names the line of the input, not of the record.
// One thread knows each record's line number and gives it to the loader first. A thread deciding
// a piece of the input among several does not (counting the lines before the piece would cost
// every record a pass over its bytes), so such a record waits: it is loaded again, its number
// known, when its piece is written in order.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/core.h>

#include "cli/claim_runner.h"
#include "cli/commands.h"
#include "cli/decision_text.h"
#include "cli/line_reader.h"
#include "cli/policy_test.h"
#include "runtime/facts.h"
#include "vm/claim_loader.h"
#include "vm/decision_json.h"

namespace ppl::cli {

const char* const kEvalHelp =
    R"(Usage: pplc eval [OPTIONS] POLICY|DIR|FILE.pplb CLAIM.json|-...

Decides each claim against the policies: a policy file, a directory of policies (those at its
top level, compiled first; a warning names each .ppl file in a subdirectory, which is not),
or a compiled FILE.pplb (loaded and verified). `-` reads the claim from stdin. Each
claim's decision is printed as JSON, in the order the claims are given. A bad claim is reported
on stderr with the JSON path at fault (`claim.json: /lines/0/units: must be ...`) and the
others are still decided.

Options:
  --ndjson          the input holds one claim per line (NDJSON); each input line yields
                    exactly one output line, in order: the decision on one line, or
                    {"claim_id": ID or null, "error": "PATH: MESSAGE"} for a bad record
                    (a blank line is a bad record; the run goes on). A malformed
                    record's positions (`line 3, column 17`) are lines of the input
  --threads N       with --ndjson: decide on N threads (1 to 256; default 1); the output
                    is the same, in the same order
  --format=FORMAT   json (default); table: one aligned row per claim with its id, its
                    decision and the rules that fired per line (`L1 deny PA,C-DX; L3 deny
                    C-WASTE`); or explain: per claim line, what each of the policy's rules
                    did there (passed, failed, skipped), where the rule is written, and
                    each failure's codes and message. Not with --ndjson
  -h, --help        show this help

Exit status: 0 when every claim (every record, with --ndjson) was decided, whatever the
decisions; 1 when any claim or record was bad input (or failed to evaluate), or the policies
are bad; 2 usage error; 3 internal error (a bug in pplc).
)";

namespace {

enum class Format { kJson, kTable, kExplain };

bool isBlank(std::string_view line) {
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

// A claim key a slip away from a field (`modifier`): the loader ignores unknown keys, so the
// claim was decided as if the field were absent. Said on stderr for a claim decided from a file
// (not per record of an --ndjson stream, where it would cost every record a second parse);
// the decision and the exit status stay as the spec has them.
void warnFieldSlips(const std::string& name, const std::string& text, const Schema& schema) {
  // The loader skips an unknown field however deep it nests; the JSON library would overflow the
  // stack copying it (100,000 levels did). A slip is looked for in shallower claims only.
  if (nestsTooDeep(text)) return;
  const TestJson claim = TestJson::parse(text, nullptr, false);
  if (claim.is_discarded()) return;
  for (const FieldSlip& slip : findFieldSlips(claim, schema)) {
    std::fflush(stdout);
    printError(fmt::format("{}: warning: {}: {} has no field `{}`, so it was ignored; did you mean `{}`?\n",
                           printable(name), printable(slip.path), slip.record, printable(slip.key), slip.meant));
  }
}

// What became of an NDJSON input line (appendRecord).
enum class RecordOutcome {
  kDecided,
  kBad,          // its error record is appended
  kLineNeeded,   // bad, and its error names its line: nothing is appended (appendLineError is)
};

// A record too large for the memory left (the general path copies it) is that record's error;
// the run goes on with the next. Replaces what `out` holds from `start` on.
void appendOutOfMemory(size_t start, std::string& out) {
  out.resize(start);
  writeErrorJson(nullptr, "out of memory: the record is too large to decide", false, out);
}

// The output record of one NDJSON input line, appended to `out` with its '\n'; unless the line's
// error names its line and `lineKnown` is false (the runner was not given the line's number):
// then nothing is appended (kLineNeeded). Shared by the one-thread and the threaded paths, so
// that they print the same bytes. `line` is padded for ClaimLoader::loadPadded (forEachLine).
RecordOutcome appendRecord(const DecisionJsonWriter& writer, ClaimRunner& runner, std::string_view line,
                           bool lineKnown, std::string& message, std::string& out) {
  RecordOutcome outcome = RecordOutcome::kBad;
  const size_t start = out.size();
  try {
    if (isBlank(line)) {
      writeErrorJson(nullptr, "empty line", false, out);
    } else if (runner.decidePadded(line, message)) {
      writer.write(runner.facts(), runner.decision(), out);
      outcome = RecordOutcome::kDecided;
    } else if (!lineKnown && runner.errorNamesLine()) {
      return RecordOutcome::kLineNeeded;
    } else {
      writeErrorJson(runner.claimId(), message, false, out);
    }
  } catch (const std::bad_alloc&) {
    appendOutOfMemory(start, out);
  }
  out += '\n';
  return outcome;
}

// The error record of a line that appendRecord left for its number (kLineNeeded), `lineNumber`
// being the number, from 1, of the line in the input: the line is loaded again (it fails as
// before), its positions now counted from that line.
void appendLineError(ClaimRunner& runner, std::string_view line, uint64_t lineNumber, std::string& message,
                     std::string& out) {
  const size_t start = out.size();
  try {
    runner.setFirstLine(lineNumber);
    runner.decidePadded(line, message);
    writeErrorJson(runner.claimId(), message, false, out);
  } catch (const std::bad_alloc&) {
    appendOutOfMemory(start, out);
  }
  out += '\n';
}

// A line of a piece of the input left for its number (RecordOutcome::kLineNeeded).
struct AwaitingLine {
  size_t at;              // where its record goes in the piece's output text
  uint64_t index;         // the line's place in the piece, from 0
  std::string_view line;  // in the piece's input, which is kept until the piece is written
};

// What deciding a piece of NDJSON input on a thread printed: one line per input line. Records
// whose errors name their lines are left out of `text`: write() adds them, once the number of the
// piece's first line is known.
struct PieceOutput {
  std::string text;                    // the records, but those awaiting their lines' numbers
  std::vector<AwaitingLine> awaiting;  // in input order
  size_t records = 0;
  size_t bad = 0;

  void clear() {
    text.clear();
    awaiting.clear();
    records = 0;
    bad = 0;
  }

  // Decides `line`, the piece's next, which must stay where it is until write().
  void decide(const DecisionJsonWriter& writer, ClaimRunner& runner, std::string_view line, std::string& message) {
    const RecordOutcome outcome = appendRecord(writer, runner, line, false, message, text);
    if (outcome == RecordOutcome::kLineNeeded) awaiting.push_back({text.size(), records, line});
    if (outcome != RecordOutcome::kDecided) ++bad;
    ++records;
  }

  // Writes the records in input order, the piece's first line being line `firstLine` of the input.
  void write(uint64_t firstLine, ClaimRunner& runner, std::string& message, Output& out) const {
    size_t from = 0;
    for (const AwaitingLine& record : awaiting) {
      out.write(std::string_view(text).substr(from, record.at - from));
      appendLineError(runner, record.line, firstLine + record.index, message, out.pending());
      from = record.at;
    }
    out.write(std::string_view(text).substr(from));
    out.endRecord();
  }
};

static_assert(InputBuffer::kPadding >= ClaimLoader::kPadding, "an input buffer pads its lines for the claim loader");

// Calls f(line) for each line of `text`, which lies in `buffer` (a last line needs no '\n'),
// without its '\n' (or "\r\n"), which is made a zero byte first, as is the byte after a last line
// without one (at most the first byte of the buffer's padding): each line is then padded as
// ClaimLoader::loadPadded needs, and the claim loader reads it where it lies. The '\r' of a CRLF
// line is JSON white space to the loader either way; left out, it is not counted as a column of
// a malformed record (`the text ends ... (line 3, column 17)`, where an editor's cursor stands).
template <typename F>
void forEachLine(InputBuffer& buffer, std::string_view text, F&& f) {
  char* at = buffer.data() + (text.data() - buffer.data());
  char* const end = at + text.size();
  while (at < end) {
    char* const nl = static_cast<char*>(std::memchr(at, '\n', static_cast<size_t>(end - at)));
    char* lineEnd = nl ? nl : end;
    if (nl && lineEnd > at && lineEnd[-1] == '\r') --lineEnd;
    *lineEnd = '\0';
    f(std::string_view(at, static_cast<size_t>(lineEnd - at)));
    at = nl ? nl + 1 : end;
  }
}

struct TableRow {
  std::string claim;
  std::string decision;
  std::string detail;
};

void writeTable(Output& out, const std::vector<TableRow>& rows) {
  TableRow header{"CLAIM", "DECISION", "LINES"};
  size_t claimWidth = header.claim.size();
  size_t decisionWidth = header.decision.size();
  for (const TableRow& row : rows) {
    claimWidth = std::max(claimWidth, row.claim.size());
    decisionWidth = std::max(decisionWidth, row.decision.size());
  }
  auto writeRow = [&](const TableRow& row) {
    out.write(fmt::format("{:<{}}  {:<{}}  {}\n", row.claim, claimWidth, row.decision,
                          decisionWidth, row.detail));
  };
  writeRow(header);
  for (const TableRow& row : rows) writeRow(row);
}

// reader.next, with running out of memory for a line (a line longer than the memory left) as a
// read error in `error`: the lines before it are decided and written, as after an I/O error.
bool nextPiece(LineReader& reader, InputBuffer& piece, size_t minBytes, std::string& error) {
  try {
    return reader.next(piece, minBytes);
  } catch (const std::bad_alloc&) {
    error = kLineTooLong;
    return false;
  }
}

// Decides the claims of one NDJSON input, one output line per input line, written into the
// output's buffer as they are decided. Counts the records and the bad ones; false (with `error`)
// when the input could not be read.
bool runNdjson(const std::string& path, const DecisionJsonWriter& writer, ClaimRunner& runner, Output& out,
               size_t& records, size_t& bad, std::string& error) {
  LineReader reader;
  if (!reader.open(path, error)) return false;
  InputBuffer piece;
  std::string message;
  // minBytes 1: decide what has arrived before waiting for more, so a pipe is answered as it goes.
  while (nextPiece(reader, piece, 1, error)) {
    forEachLine(piece, piece.view(), [&](std::string_view line) {
      ++records;
      runner.setFirstLine(records);
      if (appendRecord(writer, runner, line, true, message, out.pending()) != RecordOutcome::kDecided) ++bad;
      out.endRecord();
    });
  }
  if (reader.failed()) error = reader.error();
  return !reader.failed() && error.empty();
}

// A piece of NDJSON input, whole lines only, and what deciding it printed.
struct Batch {
  InputBuffer input;   // lines each ending in '\n', except possibly the input's last line
  PieceOutput output;  // one line per input line
  bool decided = false;
};

// Hands batches to the workers and tells the reader when each is decided.
class BatchQueue {
 public:
  void push(Batch* batch) {
    std::lock_guard<std::mutex> lock(mutex_);
    waiting_.push_back(batch);
    workAvailable_.notify_one();
  }
  // The next batch to decide; null once the queue is closed and empty.
  Batch* pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    workAvailable_.wait(lock, [&] { return !waiting_.empty() || closed_; });
    if (waiting_.empty()) return nullptr;
    Batch* batch = waiting_.front();
    waiting_.pop_front();
    return batch;
  }
  void markDecided(Batch* batch) {
    std::lock_guard<std::mutex> lock(mutex_);
    batch->decided = true;
    batchDecided_.notify_all();
  }
  void waitDecided(Batch* batch) {
    std::unique_lock<std::mutex> lock(mutex_);
    batchDecided_.wait(lock, [&] { return batch->decided; });
  }
  void close() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    workAvailable_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable workAvailable_;
  std::condition_variable batchDecided_;
  std::deque<Batch*> waiting_;
  bool closed_ = false;
};

// runNdjson of a stream (stdin, a pipe) on `threads` worker threads. The calling thread only
// reads and writes: it reads batches of about kBatchBytes of whole lines straight into each
// batch's buffer, keeps at most kInFlightPerThread * threads of them in flight, and hands each
// batch's output, which its worker wrote, to the output in input order: in one large write, or
// in pieces around the lines awaiting their numbers, which it loads again with `runner`.
bool runNdjsonBatches(LineReader& reader, const DecisionJsonWriter& writer, const Program& program,
                      ClaimRunner& runner, int threads, Output& out, size_t& records, size_t& bad,
                      std::string& error) {
  constexpr size_t kBatchBytes = size_t{1} << 18;
  constexpr size_t kInFlightPerThread = 4;

  BatchQueue queue;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&program, &writer, &queue] {
      ClaimRunner runner(program);
      std::string message;
      while (Batch* batch = queue.pop()) {
        forEachLine(batch->input, batch->input.view(),
                    [&](std::string_view line) { batch->output.decide(writer, runner, line, message); });
        queue.markDecided(batch);
      }
    });
  }

  std::deque<std::unique_ptr<Batch>> inFlight;  // in input order
  std::vector<std::unique_ptr<Batch>> spare;    // written batches, kept for their buffers
  std::string message;
  auto writeOldest = [&] {
    std::unique_ptr<Batch> batch = std::move(inFlight.front());
    inFlight.pop_front();
    queue.waitDecided(batch.get());
    batch->output.write(records + 1, runner, message, out);
    records += batch->output.records;
    bad += batch->output.bad;
    spare.push_back(std::move(batch));
  };

  for (;;) {
    std::unique_ptr<Batch> batch;
    if (spare.empty()) {
      batch = std::make_unique<Batch>();
    } else {
      batch = std::move(spare.back());
      spare.pop_back();
    }
    if (!nextPiece(reader, batch->input, kBatchBytes, error)) break;
    batch->output.clear();
    batch->decided = false;
    queue.push(batch.get());
    inFlight.push_back(std::move(batch));
    while (inFlight.size() >= kInFlightPerThread * static_cast<size_t>(threads)) writeOldest();
  }
  while (!inFlight.empty()) writeOldest();
  queue.close();
  for (std::thread& worker : workers) worker.join();
  if (reader.failed()) error = reader.error();
  return !reader.failed() && error.empty();
}

// What deciding one range of the input printed, kept until the range is written.
struct RangeOutput {
  PieceOutput output;  // one line per input line
  // The range's input while lines of it await their numbers (released once they are written); else
  // empty.
  InputBuffer input;
  bool readFailed = false;
  std::string error;  // errno's text when readFailed
  bool decided = false;
};

// Ranges decided in any order, written in input order: whichever thread completes the range next
// due writes it and every completed range after it; a thread that completes another range leaves
// it and takes the next. A thread waits only when it is `slots` ranges ahead of the writing.
class OrderedRanges {
 public:
  OrderedRanges(Output& out, size_t slots) : out_(out), slots_(slots) {}

  // The output of range `index`, to fill; waits while the range is too far ahead of the writing.
  RangeOutput& start(size_t index) {
    std::unique_lock<std::mutex> lock(mutex_);
    slotFreed_.wait(lock, [&] { return index < nextDue_ + slots_.size(); });
    RangeOutput& range = slots_[index % slots_.size()];
    range.output.clear();
    range.readFailed = false;
    return range;
  }

  // Range `index` is decided. Writes it and the decided ranges after it when it is the next due
  // and no other thread is writing (deciding again with `runner` the lines awaiting their
  // numbers); else the writing thread will. A range whose reading failed is written up to the
  // line that failed; after it nothing more is, and stopped() tells the threads to take no more
  // ranges.
  void finish(size_t index, ClaimRunner& runner) {
    std::unique_lock<std::mutex> lock(mutex_);
    slots_[index % slots_.size()].decided = true;
    if (writing_) return;
    writing_ = true;
    for (;;) {
      RangeOutput& range = slots_[nextDue_ % slots_.size()];
      if (!range.decided) break;
      lock.unlock();
      if (!stopped_.load(std::memory_order_relaxed)) {
        range.output.write(records_ + 1, runner, message_, out_);
        // Its input was kept for the lines written again: give it back now, or every slot would
        // keep the largest range it ever held (a range is as long as its longest line).
        if (!range.output.awaiting.empty()) range.input = InputBuffer();
        records_ += range.output.records;
        bad_ += range.output.bad;
        if (range.readFailed) {  // its lines before the failure are written, none after
          error_ = range.error;
          stopped_.store(true, std::memory_order_relaxed);
        }
      }
      lock.lock();
      range.decided = false;
      ++nextDue_;
      slotFreed_.notify_all();
    }
    writing_ = false;
  }

  // True once the writing reached a range whose reading failed.
  bool stopped() const { return stopped_.load(std::memory_order_relaxed); }
  // Read after every thread is done.
  size_t records() const { return records_; }
  size_t bad() const { return bad_; }
  const std::string& error() const { return error_; }

 private:
  Output& out_;
  std::mutex mutex_;
  std::condition_variable slotFreed_;
  std::vector<RangeOutput> slots_;
  size_t nextDue_ = 0;
  bool writing_ = false;
  std::atomic<bool> stopped_{false};
  // The writing thread's, one at a time:
  size_t records_ = 0;  // the lines written: the next range's first line is records_ + 1
  size_t bad_ = 0;
  std::string error_;
  std::string message_;
};

// runNdjson of a regular file on `threads` threads, the calling thread (with `runner`) being one:
// each takes the next range of the file by an atomic counter, reads and decides it, and hands its
// output to OrderedRanges. False (with `error`) when reading a range failed: the ranges before it,
// and its lines before the one that failed, are written and counted, none after.
bool runNdjsonRanges(const FileRanges& ranges, const DecisionJsonWriter& writer, const Program& program,
                     ClaimRunner& runner, int threads, Output& out, size_t& records, size_t& bad,
                     std::string& error) {
  constexpr size_t kSlotsPerThread = 4;
  OrderedRanges ordered(out, kSlotsPerThread * static_cast<size_t>(threads));
  std::atomic<size_t> nextRange{0};
  auto decideRanges = [&](ClaimRunner& threadRunner) {
    InputBuffer buffer;
    std::string_view lines;
    std::string message;
    while (!ordered.stopped()) {
      const size_t index = nextRange.fetch_add(1, std::memory_order_relaxed);
      if (index >= ranges.count()) break;
      RangeOutput& range = ordered.start(index);
      bool read = false;
      try {
        read = ranges.read(index, buffer, lines, range.error);
      } catch (const std::bad_alloc&) {  // a line longer than the memory left
        range.error = kLineTooLong;
      }
      // Its lines: all of them, or those before a line that could not be read.
      forEachLine(buffer, lines,
                  [&](std::string_view line) { range.output.decide(writer, threadRunner, line, message); });
      // Lines awaiting their numbers are read again when the range is written: its input stays
      // with it, and this thread reads on into a new buffer (the slot's is empty).
      if (!range.output.awaiting.empty()) std::swap(buffer, range.input);
      range.readFailed = !read;
      ordered.finish(index, threadRunner);
    }
  };
  std::vector<std::thread> helpers;
  for (int t = 1; t < threads; ++t) {
    helpers.emplace_back([&] {
      ClaimRunner own(program);
      decideRanges(own);
    });
  }
  decideRanges(runner);
  for (std::thread& helper : helpers) helper.join();
  records = ordered.records();
  bad = ordered.bad();
  error = ordered.error();
  return !ordered.stopped();
}

// runNdjson on `threads` threads: by ranges for a regular file, in batches for other input.
bool runNdjsonThreaded(const std::string& path, const DecisionJsonWriter& writer, const Program& program,
                       ClaimRunner& runner, int threads, Output& out, size_t& records, size_t& bad,
                       std::string& error) {
  LineReader reader;
  if (!reader.open(path, error)) return false;
  uint64_t size = 0;
  // Size 0 may be a file of /proc, whose size says nothing: read as a stream like an empty file.
  if (reader.isRegularFile(size) && size > 0) {
    return runNdjsonRanges(FileRanges(reader.fd(), size), writer, program, runner, threads, out, records, bad,
                           error);
  }
  return runNdjsonBatches(reader, writer, program, runner, threads, out, records, bad, error);
}

}  // namespace

int runEval(const std::vector<std::string>& args) {
  bool ndjson = false;
  int threads = 0;  // 0: --threads not given
  Format format = Format::kJson;
  std::vector<std::string> operands;
  ArgScanner scan(args);
  while (scan.next()) {
    if (!scan.isOption()) {
      operands.push_back(scan.current());
    } else if (scan.current() == "--ndjson") {
      ndjson = true;
    } else if (scan.is("--threads")) {
      constexpr int kMaxThreads = 256;
      std::string value;
      const bool digits = scan.value(value) && !value.empty() && value.size() <= 3 &&
                          std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
      threads = digits ? std::stoi(value) : 0;
      if (threads < 1 || threads > kMaxThreads) {
        return usageError("eval", fmt::format("`--threads` needs a number of threads from 1 to {}", kMaxThreads));
      }
    } else if (scan.is("--format")) {
      std::string value;
      if (!scan.value(value)) return usageError("eval", "`--format` needs json, table or explain");
      if (value == "json") {
        format = Format::kJson;
      } else if (value == "table") {
        format = Format::kTable;
      } else if (value == "explain") {
        format = Format::kExplain;
      } else {
        return usageError("eval", fmt::format("unknown format `{}`: expected json, table or explain", value));
      }
    } else {
      return usageError("eval", fmt::format("unknown option `{}`", scan.current()));
    }
  }
  if (operands.empty()) return usageError("eval", "missing POLICY, DIR or FILE.pplb");
  if (operands.size() < 2) return usageError("eval", "missing CLAIM.json (or `-` for stdin)");
  if (operands.front() == "-") {
    return usageError("eval", "`-`: the policies are read from files; a claim may come from standard input "
                              "(`pplc eval POLICY -`)");
  }
  if (ndjson && format != Format::kJson) {
    return usageError("eval", fmt::format("`--format={}` cannot be combined with `--ndjson`",
                                          format == Format::kTable ? "table" : "explain"));
  }
  if (threads > 0 && !ndjson) return usageError("eval", "`--threads` works with `--ndjson` only");
  std::vector<std::string> claims(operands.begin() + 1, operands.end());
  if (std::count(claims.begin(), claims.end(), "-") > 1) {
    return usageError("eval", "stdin (`-`) can be read only once");
  }

  Program program;
  if (int rc = loadProgram({operands.front()}, program); rc != kExitOk) return rc;

  ClaimRunner runner(program);
  Output out;
  bool anyBad = false;

  if (ndjson) {
    const DecisionJsonWriter writer(program);
    for (const std::string& path : claims) {
      size_t records = 0;
      size_t bad = 0;
      std::string error;
      bool read = threads > 1
                      ? runNdjsonThreaded(path, writer, program, runner, threads, out, records, bad, error)
                      : runNdjson(path, writer, runner, out, records, bad, error);
      out.flush();
      if (!read) inputError(displayName(path), fmt::format("cannot read: {}", error));
      if (bad > 0) {
        // Bad input, or an evaluation error (a division by zero, the work budget): each record's
        // "error" line says which, and where.
        printError(fmt::format("{}: {} of {} records were not decided (see their \"error\" lines)\n",
                               displayName(path), bad, records));
      }
      anyBad = anyBad || !read || bad > 0;
    }
  } else {
    std::vector<TableRow> rows;
    std::string text;
    std::string json;
    std::string message;
    std::vector<Evaluator::RuleTraceEntry> trace;
    if (format == Format::kExplain) runner.setRuleTrace(&trace);
    for (const std::string& path : claims) {
      std::string name = displayName(path);
      std::string error;
      if (!readFile(path, text, error)) {
        out.flush();
        inputError(name, fmt::format("cannot read: {}", error));
        if (format == Format::kTable) rows.push_back({name, "error", "cannot read the file"});
        if (format == Format::kExplain) out.write(fmt::format("{}: error, cannot read the file\n\n", name));
        anyBad = true;
        continue;
      }
      if (!runner.decide(text, message)) {
        out.flush();
        inputError(name, message);
        const std::string shownId = printable(runner.claimId() ? *runner.claimId() : name);
        if (format == Format::kTable) rows.push_back({shownId, "error", printable(message)});
        if (format == Format::kExplain) out.write(fmt::format("{}: error, {}\n\n", shownId, printable(message)));
        anyBad = true;
        continue;
      }
      warnFieldSlips(name, text, program.schema);
      if (format == Format::kTable) {
        rows.push_back({printable(runner.decidedClaimId()), verdictName(runner.decision().verdict),
                        firedRules(program, runner.facts(), runner.decision())});
      } else if (format == Format::kExplain) {
        text.clear();
        writeExplanation(program, runner.facts(), runner.decision(), trace, runner.decidedClaimId(), text);
        out.write(text);
        out.write("\n");
        out.endRecord();
      } else {
        json.clear();
        writeDecisionJson(program, runner.facts(), runner.decision(), true, json);
        out.write(json);
        if (json.empty() || json.back() != '\n') out.write("\n");
        out.endRecord();
      }
    }
    if (format == Format::kTable) writeTable(out, rows);
  }

  out.flush();
  if (out.failed()) return inputError("pplc eval", "cannot write the output");
  return anyBad ? kExitBadInput : kExitOk;
}

}  // namespace ppl::cli
