#include "sim/sweep/wire.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace accelgym::sweep {
namespace {

bool read_all(int fd, char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = read(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

bool read_frame(int fd, std::string* frame) {
  uint32_t size = 0;
  if (!read_all(fd, reinterpret_cast<char*>(&size), sizeof size)) return false;
  frame->resize(size);
  return read_all(fd, frame->data(), size);
}

bool write_frame(int fd, const std::string& frame) {
  const auto size = static_cast<uint32_t>(frame.size());
  std::string out(reinterpret_cast<const char*>(&size), sizeof size);
  out += frame;  // one send: header and body together
  return write_all(fd, out.data(), out.size());
}

}  // namespace accelgym::sweep
