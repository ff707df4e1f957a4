// Progress on stderr: a live bar on a terminal; on a pipe or log, a line every tenth.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace accelgym::cli {

class Progress {
 public:
  explicit Progress(uint64_t total);
  // `note` follows the counts, e.g. "best 0.93" or "3 failed".
  void update(uint64_t done, const std::string& note);

 private:
  uint64_t total_;
  bool tty_;
  uint64_t last_tenth_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace accelgym::cli
