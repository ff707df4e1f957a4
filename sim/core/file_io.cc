#include "sim/core/file_io.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sim/core/errors.h"
#include "sim/core/limits.h"

namespace accelgym {
namespace {

// Opens PATH for reading; refuses directories (read() on one fails only later, with EISDIR).
int open_for_reading(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_os_error(path, "cannot open", errno);
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    ::close(fd);
    throw InputError(path + ": is a directory, not a file");
  }
  return fd;
}

// read(2) until it returns something other than EINTR.
ssize_t read_some(int fd, char* into, size_t size) {
  ssize_t n;
  do {
    n = ::read(fd, into, size);
  } while (n < 0 && errno == EINTR);
  return n;
}

}  // namespace

void throw_os_error(const std::string& path, const std::string& what, int error) {
  throw InputError(fmt::format("{}: {}: {}", path, what, std::strerror(error)));
}

std::string read_text_file(const std::string& path, uint64_t max_bytes) {
  if (max_bytes == 0) max_bytes = limits().max_input_bytes;
  const int fd = open_for_reading(path);
  std::string text;
  char block[65536];
  while (true) {
    const ssize_t n = read_some(fd, block, sizeof block);
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      throw_os_error(path, "read failed", error);
    }
    if (n == 0) break;
    if (text.size() + static_cast<size_t>(n) > max_bytes) {
      ::close(fd);
      throw InputError(fmt::format("{}: larger than {} bytes ({})", path, max_bytes,
                                   limit_hint("max_input_bytes")));
    }
    text.append(block, static_cast<size_t>(n));
  }
  ::close(fd);
  return text;
}

LineReader::LineReader(const std::string& path)
    : path_(path), fd_(open_for_reading(path)), max_line_bytes_(limits().max_line_bytes) {
  buffer_.resize(1 << 16);
}

LineReader::~LineReader() {
  if (fd_ >= 0) ::close(fd_);
}

bool LineReader::refill() {
  if (eof_) return false;
  if (begin_ > 0) {  // keep the unfinished line at the front
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) {
    if (buffer_.size() > max_line_bytes_) {
      throw InputError(fmt::format("{}:{}: line longer than {} bytes ({})", path_, line_number_ + 1,
                                   max_line_bytes_, limit_hint("max_line_bytes")));
    }
    buffer_.resize(buffer_.size() * 2);
  }
  const ssize_t n = read_some(fd_, buffer_.data() + end_, buffer_.size() - end_);
  if (n < 0) throw_os_error(fmt::format("{}:{}", path_, line_number_ + 1), "read failed", errno);
  if (n == 0) eof_ = true;
  end_ += static_cast<size_t>(n);
  return n > 0;
}

bool LineReader::next(std::string_view& line) {
  size_t scanned = begin_;
  while (true) {
    const void* found = std::memchr(buffer_.data() + scanned, '\n', end_ - scanned);
    if (found != nullptr) {
      const size_t at = static_cast<size_t>(static_cast<const char*>(found) - buffer_.data());
      line = std::string_view(buffer_.data() + begin_, at - begin_);
      begin_ = at + 1;
      break;
    }
    if (end_ - begin_ > max_line_bytes_) {
      throw InputError(fmt::format("{}:{}: line longer than {} bytes ({})", path_, line_number_ + 1,
                                   max_line_bytes_, limit_hint("max_line_bytes")));
    }
    const size_t kept = end_ - begin_;
    if (!refill()) {
      if (end_ == begin_) return false;
      line = std::string_view(buffer_.data() + begin_, end_ - begin_);  // no final newline
      begin_ = end_;
      break;
    }
    scanned = begin_ + kept;
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  ++line_number_;
  return true;
}

ReplacingFile::ReplacingFile(const std::string& path) : path_(path), write_path_(path) {
  struct stat info {};
  const bool exists = ::stat(path.c_str(), &info) == 0;
  if (exists && S_ISDIR(info.st_mode)) throw InputError(path + ": is a directory, not a file");
  if (!exists || S_ISREG(info.st_mode)) write_path_ = path + ".tmp";
}

ReplacingFile::~ReplacingFile() {
  if (!committed_ && write_path_ != path_) std::remove(write_path_.c_str());
}

void ReplacingFile::commit() {
  committed_ = true;
  if (write_path_ == path_) return;
  if (std::rename(write_path_.c_str(), path_.c_str()) != 0) {
    const int error = errno;
    std::remove(write_path_.c_str());
    throw_os_error(path_, "cannot replace", error);
  }
}

void write_text_file_atomically(const std::string& path, const std::string& text) {
  ReplacingFile target(path);
  OutputFile out(target.write_path());
  out.write(text);
  out.close();
  target.commit();
}

OutputFile::OutputFile(const std::string& path, bool append)
    : path_(path), file_(std::fopen(path.c_str(), append ? "ab" : "wb"), &std::fclose) {
  if (!file_) fail("cannot open for writing", errno);
}

void OutputFile::write(std::string_view text) {
  if (std::fwrite(text.data(), 1, text.size(), file_.get()) != text.size()) {
    fail("write failed", errno);
  }
}

void OutputFile::close() {
  FILE* f = file_.release();
  if (f == nullptr) return;
  const bool flushed = std::fflush(f) == 0 && !std::ferror(f);
  const int flush_error = errno;
  const bool closed = std::fclose(f) == 0;
  if (!flushed) fail("write failed", flush_error);
  if (!closed) fail("close failed", errno);
}

void OutputFile::fail(const char* what, int error) const {
  throw_os_error(path_, what, error ? error : EIO);
}

}  // namespace accelgym
