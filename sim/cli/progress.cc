#include "sim/cli/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace accelgym::cli {

Progress::Progress(uint64_t total)
    : total_(std::max<uint64_t>(1, total)), tty_(isatty(STDERR_FILENO) == 1) {}

void Progress::update(uint64_t done, const std::string& note) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  const double eta = rate > 0 && total_ > done ? static_cast<double>(total_ - done) / rate : 0;
  const bool last = done >= total_;
  if (!tty_ && done * 10 / total_ == last_tenth_ && !last) return;
  last_tenth_ = done * 10 / total_;
  const int width = 30;
  const int filled = static_cast<int>(width * std::min(done, total_) / total_);
  std::fprintf(stderr, "%s[%s%s] %llu/%llu  %s  %.1f eval/s  ETA %.0f s%s", tty_ ? "\r" : "",
               std::string(static_cast<size_t>(filled), '#').c_str(),
               std::string(static_cast<size_t>(width - filled), '.').c_str(),
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_),
               note.c_str(), rate, eta, tty_ ? "" : "\n");
  if (tty_ && last) std::fputc('\n', stderr);
}

}  // namespace accelgym::cli
