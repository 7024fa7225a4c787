#include "cli/line_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ppl::cli {

void InputBuffer::reserveRoom(size_t n) {
  if (capacity_ - size_ >= n) return;
  const size_t capacity = std::max(capacity_ * 2, size_ + n);
  std::unique_ptr<char[]> bigger(new char[capacity]);  // not zeroed: read(2) fills it
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

bool LineReader::next(InputBuffer& piece, size_t minBytes) {
  // A read smaller than this is not worth a system call while a piece grows.
  constexpr size_t kMinRead = size_t{1} << 16;
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

}  // namespace ppl::cli
