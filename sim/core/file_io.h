// Files in and out, with every failure reported: a directory, an unreadable device or a read
// error is never taken for the end of a file, input sizes are bounded (sim/core/limits.h), and
// a failed write (a full disk, /dev/full) is an InputError naming the file and the OS reason.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace accelgym {

// The whole file, at most `max_bytes` (default: limits().max_input_bytes); InputError when it
// cannot be opened or read, is a directory, or is larger (naming the limit).
std::string read_text_file(const std::string& path, uint64_t max_bytes = 0);

// A text file read line by line in blocks; a line longer than limits().max_line_bytes (or a
// file that never ends a line, such as /dev/zero) is an InputError naming file and line.
class LineReader {
 public:
  explicit LineReader(const std::string& path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line without its '\n' (and '\r'); false at the end of the file. The view lives
  // until the next call.
  bool next(std::string_view& line);
  int line_number() const { return line_number_; }  // of the last line returned
  const std::string& path() const { return path_; }

 private:
  bool refill();
  std::string path_;
  int fd_ = -1;
  std::vector<char> buffer_;
  size_t begin_ = 0, end_ = 0;  // unread bytes are buffer_[begin_, end_)
  bool eof_ = false;
  int line_number_ = 0;
  uint64_t max_line_bytes_;
};

// Where to write PATH so a reader never sees half of it: a regular file (or a new one) is
// written as PATH.tmp and renamed over PATH by commit(); a device or a pipe (/dev/stdout, a
// FIFO) is written directly, never replaced. An uncommitted PATH.tmp is removed.
class ReplacingFile {
 public:
  explicit ReplacingFile(const std::string& path);
  ~ReplacingFile();
  ReplacingFile(const ReplacingFile&) = delete;
  ReplacingFile& operator=(const ReplacingFile&) = delete;
  const std::string& write_path() const { return write_path_; }
  void commit();

 private:
  std::string path_, write_path_;
  bool committed_ = false;
};

// TEXT into PATH through a ReplacingFile.
void write_text_file_atomically(const std::string& path, const std::string& text);

// A file written piece by piece (CSV exports, per-request latencies), each failure checked;
// close() reports what buffering hid. Destroying an unclosed file closes it silently (an
// exception is already on its way).
class OutputFile {
 public:
  explicit OutputFile(const std::string& path, bool append = false);
  void write(std::string_view text);
  void close();
  FILE* get() { return file_.get(); }
  const std::string& path() const { return path_; }

 private:
  [[noreturn]] void fail(const char* what, int error) const;
  std::string path_;
  std::unique_ptr<FILE, int (*)(FILE*)> file_;
};

// "PATH: WHAT: strerror(ERROR)" as an InputError.
[[noreturn]] void throw_os_error(const std::string& path, const std::string& what, int error);

}  // namespace accelgym
