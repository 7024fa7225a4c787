// Reading NDJSON input for `pplc eval --ndjson`: large read(2) calls straight into a reusable
// buffer, cut after the last whole line; or, for a regular file read by several threads, fixed
// byte ranges that each thread reads itself with pread(2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ppl::cli {

// The read error of a line longer than the memory left to hold it (the lines before it are
// still decided and written, as after an I/O error).
inline constexpr const char* kLineTooLong = "out of memory: a line is too long to hold";

// A byte buffer that grows like std::string but leaves new room uninitialized: read(2) fills
// it, and zeroing each megabyte first was most of the reading thread's instructions. kPadding
// zero bytes follow its capacity, never counted in room(): a line of it whose '\n' is made a
// zero byte (or the last line, followed by the byte at size(), made zero) is padded as
// ClaimLoader::loadPadded needs, and the claim loader reads it where it lies.
class InputBuffer {
 public:
  static constexpr size_t kPadding = 64;

  char* data() { return data_.get(); }
  size_t size() const { return size_; }
  size_t room() const { return capacity_ - size_; }
  std::string_view view() const { return std::string_view(data_.get(), size_); }

  // At least `n` bytes of room after size(), the contents kept.
  void reserveRoom(size_t n);
  // Counts `n` bytes written at data() + size().
  void grow(size_t n) { size_ += n; }
  // Keeps the first `n` bytes (n <= size()).
  void truncate(size_t n) { size_ = n; }
  void assign(const char* bytes, size_t n);

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// An NDJSON input (a file, or standard input for `-`) handed out as pieces of whole lines. The
// start of a line that a piece did not finish begins the next piece.
class LineReader {
 public:
  LineReader() = default;
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  ~LineReader();

  // False (with errno's text in `error`) when the input cannot be opened.
  bool open(const std::string& path, std::string& error);

  // Replaces `piece` with the next lines of the input, each ending in '\n' except the input's
  // last line when it has none; reads until the piece holds a whole line and at least
  // `minBytes` bytes were read (fewer when the input ends first). False when no line is left,
  // or reading failed: failed() tells. After a read error the lines read before it are still
  // handed out, but not the unfinished line at the error.
  bool next(InputBuffer& piece, size_t minBytes);

  bool failed() const { return failed_; }
  // errno's text for the read error.
  const std::string& error() const { return error_; }

  // True, with its size in `size`, when the input is a regular file named by its path; false
  // for stdin (`-`: whoever redirected it may share its file offset), pipes, devices and
  // directories. Asked before the first next().
  bool isRegularFile(uint64_t& size) const;
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  bool ownsFd_ = false;
  bool atEnd_ = false;
  bool failed_ = false;
  std::string error_;
  InputBuffer carry_;  // the start of a line the last piece did not finish
};

// A regular file cut into fixed byte ranges that threads read independently, in any order, with
// pread(2) (no shared file offset). A record belongs to the range where its first byte lies: a
// range skips the end of a line begun before it and reads on past its end to finish its own last
// line, so the ranges' lines, in range order, are the file's lines, whatever the range size.
class FileRanges {
 public:
  static constexpr size_t kRangeBytes = size_t{1} << 18;

  // `fd` stays open while the ranges are read; `size` is the file's size when it was opened (a
  // file that grows later is read to the first '\n' past that size).
  FileRanges(int fd, uint64_t size) : fd_(fd), count_((size + kRangeBytes - 1) / kRangeBytes) {}

  size_t count() const { return count_; }

  // Reads range `index` into `buffer` and points `lines` at its lines within it, each ending in
  // '\n' except the file's last line when it has none; empty when no line begins in the range.
  // False (with errno's text, or "out of memory", in `error`) when reading failed; `lines` then
  // holds the range's whole lines before the one whose reading failed (often none).
  // `lines` points into `buffer`, so its bytes may be changed through it.
  bool read(size_t index, InputBuffer& buffer, std::string_view& lines, std::string& error) const;

 private:
  // Appends what the file holds at [offset, offset + n) to `buffer`, fewer bytes at its end.
  bool readAt(uint64_t offset, size_t n, InputBuffer& buffer, std::string& error) const;

  int fd_;
  size_t count_;
};

}  // namespace ppl::cli
