#include "cli/line_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

namespace ppl::cli {

void InputBuffer::reserveRoom(size_t n) {
  if (capacity_ - size_ >= n) return;
  const size_t capacity = std::max(capacity_ * 2, size_ + n);
  std::unique_ptr<char[]> bigger(new char[capacity + kPadding]);  // not zeroed: read(2) fills it
  std::memset(bigger.get() + capacity, 0, kPadding);
  if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
  data_ = std::move(bigger);
  capacity_ = capacity;
}

void InputBuffer::assign(const char* bytes, size_t n) {
  size_ = 0;
  reserveRoom(n);
  if (n > 0) std::memcpy(data_.get(), bytes, n);
  size_ = n;
}

LineReader::~LineReader() {
  if (ownsFd_) ::close(fd_);
}

bool LineReader::open(const std::string& path, std::string& error) {
  if (path == "-") {
    fd_ = STDIN_FILENO;
    return true;
  }
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    error = std::strerror(errno);
    return false;
  }
  ownsFd_ = true;
  return true;
}

bool LineReader::isRegularFile(uint64_t& size) const {
  struct stat st;
  if (!ownsFd_ || ::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  size = static_cast<uint64_t>(st.st_size);
  return true;
}

bool LineReader::next(InputBuffer& piece, size_t minBytes) {
  // A read smaller than this is not worth a system call while a piece grows. 256 KiB: a
  // system call costs microseconds in a guest, and a piece this size stays in the core's L2
  // cache while its lines are decided. A pipe returns what it holds, so a small write to it
  // is still answered at once.
  constexpr size_t kMinRead = size_t{1} << 18;
  piece.assign(carry_.data(), carry_.size());
  carry_.truncate(0);
  size_t wholeLines = 0;  // piece[0, wholeLines) ends in '\n'; the carried start holds none
  while (!atEnd_ && (wholeLines == 0 || piece.size() < minBytes)) {
    piece.reserveRoom(std::max(minBytes - std::min(minBytes, piece.size()), kMinRead));
    char* const at = piece.data() + piece.size();
    const ssize_t n = ::read(fd_, at, piece.room());
    if (n < 0) {
      if (errno == EINTR) continue;
      error_ = std::strerror(errno);
      failed_ = true;
      atEnd_ = true;
      break;
    }
    if (n == 0) {
      atEnd_ = true;
      break;
    }
    piece.grow(static_cast<size_t>(n));
    if (const void* nl = ::memrchr(at, '\n', static_cast<size_t>(n))) {
      wholeLines = static_cast<size_t>(static_cast<const char*>(nl) - piece.data()) + 1;
    }
  }
  if (atEnd_) {
    if (!failed_) wholeLines = piece.size();  // the last line counts without its '\n'
  } else {
    carry_.assign(piece.data() + wholeLines, piece.size() - wholeLines);
  }
  piece.truncate(wholeLines);
  return wholeLines > 0;
}

bool FileRanges::readAt(uint64_t offset, size_t n, InputBuffer& buffer, std::string& error) const {
  buffer.reserveRoom(n);
  while (n > 0) {
    const ssize_t got = ::pread(fd_, buffer.data() + buffer.size(), n, static_cast<off_t>(offset));
    if (got < 0) {
      if (errno == EINTR) continue;
      error = std::strerror(errno);
      return false;
    }
    if (got == 0) break;
    buffer.grow(static_cast<size_t>(got));
    offset += static_cast<uint64_t>(got);
    n -= static_cast<size_t>(got);
  }
  return true;
}

bool FileRanges::read(size_t index, InputBuffer& buffer, std::string_view& lines, std::string& error) const {
  // Read with the range, past its end, to finish its last line in the same system call (a
  // record is ~1.5 KB); a longer one is finished in steps of kReadOn.
  constexpr size_t kReadAhead = size_t{1} << 14;
  constexpr size_t kReadOn = size_t{1} << 16;
  const uint64_t begin = uint64_t{index} * kRangeBytes;
  const uint64_t end = begin + kRangeBytes;
  // From the byte before the range: a line begins at `begin` only when that byte is a '\n'.
  const uint64_t from = index == 0 ? 0 : begin - 1;
  const size_t rangeSize = static_cast<size_t>(end - from);  // the bytes of `buffer` in the range
  buffer.truncate(0);
  lines = std::string_view();
  if (!readAt(from, rangeSize + kReadAhead, buffer, error)) return false;
  size_t first = 0;  // where the range's first line begins in `buffer`
  if (index > 0) {
    const void* nl = std::memchr(buffer.data(), '\n', std::min(buffer.size(), rangeSize));
    // All of the range belongs to a line begun before it; or that '\n' is the range's last
    // byte, and the next line is the next range's.
    if (nl == nullptr) return true;
    first = static_cast<size_t>(static_cast<const char*>(nl) - buffer.data()) + 1;
    if (first >= rangeSize) return true;
  }
  // The range's last line ends at the first '\n' from the range's last byte on.
  size_t searched = std::min(buffer.size(), rangeSize - 1);
  for (;;) {
    if (const void* nl = std::memchr(buffer.data() + searched, '\n', buffer.size() - searched)) {
      buffer.truncate(static_cast<size_t>(static_cast<const char*>(nl) - buffer.data()) + 1);
      break;
    }
    searched = buffer.size();
    bool read = false;
    try {
      read = readAt(from + searched, kReadOn, buffer, error);
    } catch (const std::bad_alloc&) {  // a line longer than the memory left
      error = kLineTooLong;
    }
    if (!read) {
      // The range's whole lines before its unfinished last one are still decided and written.
      const size_t inRange = std::min(buffer.size(), rangeSize);
      const void* nl = first < inRange ? ::memrchr(buffer.data() + first, '\n', inRange - first) : nullptr;
      if (nl) lines = buffer.view().substr(first, static_cast<size_t>(static_cast<const char*>(nl) - buffer.data()) + 1 - first);
      return false;
    }
    if (buffer.size() == searched) break;  // the file's last line, without a '\n'
  }
  lines = buffer.view().substr(first);
  return true;
}

}  // namespace ppl::cli
