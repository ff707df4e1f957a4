// Length-prefixed frames over a stream socket (sweep coordinator <-> local workers).
#pragma once

#include <string>

namespace accelgym::sweep {

// False when the peer hung up (or on a short read); never raises SIGPIPE.
bool read_frame(int fd, std::string* frame);
bool write_frame(int fd, const std::string& frame);

}  // namespace accelgym::sweep
