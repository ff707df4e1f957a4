#include "models/memory/scalesim_buffers.h"

#include <algorithm>

#include "sim/core/errors.h"

namespace accelgym::memory {
namespace {

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

// read_port.py / write_port.py: a fixed latency behind the buffers.
constexpr int64_t kReadPortLatencyCycles = 1;

}  // namespace

PrefetchLines::PrefetchLines(std::vector<uint32_t>& storage, uint64_t set_words,
                             uint64_t bandwidth_words)
    : position_lines_(storage), set_words_(set_words), bandwidth_(bandwidth_words) {
  if (bandwidth_words == 0) throw InputError("SCALE-Sim bandwidth must be at least 1 word/cycle");
  if (set_words == 0) throw InternalError("SCALE-Sim prefetch sets need at least 1 word");
  position_lines_.clear();
}

// ---------------------------------------------------------------- read buffer

ScaleSimReadBuffer::ScaleSimReadBuffer(const PrefetchLines& lines, uint64_t size_words,
                                       uint64_t bandwidth_words)
    : lines_(lines), bandwidth_(bandwidth_words) {
  // active_buf_frac 0.5: ceil for the active half, the rest prefetch.
  active_words_ = ceil_div(size_words, 2);
  prefetch_words_ = size_words - active_words_;
  if (prefetch_words_ == 0) throw InputError("SCALE-Sim scratchpad needs at least 2 words");
  line_count_ = lines.line_count();
  active_lines_ = std::min(ceil_div(active_words_, lines.set_words()), line_count_);
  prefetch_lines_ =
      std::min(ceil_div(prefetch_words_, lines.set_words()), line_count_ - active_lines_);
}

void ScaleSimReadBuffer::prefetch_active(int64_t start_cycle) {
  // The first fill is timed to end just before the first demand.
  const uint64_t fetch_lines = std::min(ceil_div(active_words_, bandwidth_), lines_.fetch_rows());
  dram_words_ += fetch_lines * bandwidth_;
  dram_start_ = start_cycle - static_cast<int64_t>(fetch_lines);
  last_prefetch_cycle_ = start_cycle - 1;
  window_start_ = 0;
  window_end_ = active_lines_;
  started_ = true;
}

void ScaleSimReadBuffer::new_prefetch() {
  window_start_ = (window_start_ + prefetch_lines_) % line_count_;
  window_end_ = (window_start_ + active_lines_) % line_count_;
  const uint64_t fetch_lines = ceil_div(prefetch_words_, bandwidth_);
  dram_words_ += fetch_lines * bandwidth_;
  // Lines are requested from last + 1 on, one per cycle, and arrive a port latency later.
  last_prefetch_cycle_ += static_cast<int64_t>(fetch_lines) + kReadPortLatencyCycles;
}

void ScaleSimReadBuffer::throw_not_streamed(uint64_t position) {
  throw InternalError("SCALE-Sim emulation: the request at stream place " +
                      std::to_string(position) + " is never prefetched");
}

// ---------------------------------------------------------------- write buffer

ScaleSimWriteBuffer::ScaleSimWriteBuffer(uint64_t size_words, uint64_t bandwidth_words)
    : bandwidth_(bandwidth_words), total_words_(size_words) {
  if (bandwidth_words == 0) throw InputError("SCALE-Sim bandwidth must be at least 1 word/cycle");
  const uint64_t active_words = ceil_div(size_words, 2);
  drain_words_ = size_words - active_words;
  if (drain_words_ == 0) throw InputError("SCALE-Sim ofmap scratchpad needs at least 2 words");
  free_words_ = static_cast<int64_t>(size_words);
}

void ScaleSimWriteBuffer::close_partial_line() {
  if (line_fill_ == 0) return;
  partial_lines_.emplace_back(lines_, line_fill_);
  ++lines_;
  line_fill_ = 0;
}

int64_t ScaleSimWriteBuffer::drain(int64_t start_cycle) {
  const uint64_t end = std::min(drained_lines_ + ceil_div(drain_words_, bandwidth_), lines_);
  const uint64_t count = end - drained_lines_;
  if (count == 0) throw InternalError("SCALE-Sim emulation: empty ofmap drain");
  // (SCALE-Sim) only the last line's null slots are taken off the drained size.
  while (partial_head_ < partial_lines_.size() && partial_lines_[partial_head_].first < end - 1) {
    ++partial_head_;
  }
  uint64_t words = count * bandwidth_;
  if (partial_head_ < partial_lines_.size() && partial_lines_[partial_head_].first == end - 1) {
    words -= bandwidth_ - partial_lines_[partial_head_].second;
  }
  dram_words_ += words;
  free_words_ += static_cast<int64_t>(words);
  drained_lines_ = end;
  const int64_t stop = start_cycle + static_cast<int64_t>(count) - 1;
  // SCALE-Sim reports the first and the last drained line (not the earliest and latest).
  if (!drained_any_) dram_start_ = start_cycle;
  dram_stop_ = stop;
  drained_any_ = true;
  return stop;
}

int64_t ScaleSimWriteBuffer::write_row(int64_t cycle, uint64_t words) {
  int64_t current = cycle;
  const auto active_words = static_cast<int64_t>(total_words_ - drain_words_);
  while (words > 0) {
    // Words that change nothing but the fill level are stored in one go.
    const int64_t quiet_limit = current < drain_end_cycle_ ? 1 : active_words;
    const uint64_t quiet =
        std::min<uint64_t>(words - 1, static_cast<uint64_t>(std::max<int64_t>(
                                          0, free_words_ - quiet_limit)));
    const uint64_t stored = quiet + 1;
    line_fill_ += stored;
    lines_ += line_fill_ / bandwidth_;
    line_fill_ %= bandwidth_;
    free_words_ -= static_cast<int64_t>(stored);
    words -= stored;
    // The last stored word is the one that may act.
    if (current < drain_end_cycle_) {
      if (free_words_ <= 0) current = drain_end_cycle_;  // wait for the drain in flight
    } else if (free_words_ < active_words) {
      close_partial_line();
      drain_end_cycle_ = drain(current);  // in the background: only a full buffer waits
    }
  }
  return current;
}

void ScaleSimWriteBuffer::drain_all(int64_t cycle) {
  close_partial_line();
  while (drained_lines_ < lines_) cycle = drain(cycle) + 1;
}

}  // namespace accelgym::memory
