#include "models/memory/scalesim_buffers.h"

#include <fmt/format.h>

#include <algorithm>

#include "models/compute/systolic_timing.h"
#include "sim/core/errors.h"

namespace accelgym::memory {
namespace {

using compute::ceil_div;

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
                                       uint64_t bandwidth_words, ScaleSimStallRule rule)
    : lines_(lines), bandwidth_(bandwidth_words), rule_(rule) {
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
  throw InternalError(fmt::format(
      "SCALE-Sim emulation: the request at stream place {} is never prefetched", position));
}

// ---------------------------------------------------------------- estimate buffer (CALC)

ScaleSimEstimateBuffer::ScaleSimEstimateBuffer(std::vector<int32_t>& latest, uint64_t address_count,
                                               uint64_t size_words, uint64_t bandwidth_words)
    : latest_(latest), set_words_(size_words / kSets), bandwidth_(bandwidth_words) {
  if (set_words_ == 0)
    throw InputError("SCALE-Sim CALC mode needs scratchpads of 100 words or more");
  latest_.assign(address_count, -1);
}

void ScaleSimEstimateBuffer::set_completed(int64_t cycle) {
  set_words_filled_.push_back(current_words_);
  current_words_ = 0;
  if (++current_set_ != window_end_ + 1) return;
  const auto window_words = static_cast<uint64_t>(kWindowSets) * set_words_;
  if (!active_done_) {
    // The active half is fetched at the default bandwidth, ending just before the first
    // request (read port latency 1).
    last_end_ = first_cycle_ - 2;
    last_start_ = last_end_ - static_cast<int64_t>(ceil_div(window_words, bandwidth_)) + 1;
    fetch(0, kWindowSets - 1);
    fetch_start_set_ = window_end_ + 1;
    fetch_end_set_ = fetch_start_set_ + kWindowSets - 1;
    active_done_ = true;
  } else {
    // The next window in the time the previous one took: the bandwidth that needs.
    bandwidth_ = ceil_div(window_words, static_cast<uint64_t>(last_end_ - last_start_ + 1));
    fetch(fetch_start_set_, fetch_end_set_);
    fetch_start_set_ += kWindowSets;
    fetch_end_set_ += kWindowSets;
  }
  window_start_ += kWindowSets;
  window_end_ += kWindowSets;
  last_start_ = last_end_ + 1;
  last_end_ = cycle;
}

void ScaleSimEstimateBuffer::fetch(int64_t first_set, int64_t last_set) {
  uint64_t words = 0;
  for (int64_t s = first_set; s <= last_set; ++s)
    words += set_words_filled_[static_cast<size_t>(s)];
  const int64_t cycles = last_end_ - last_start_ + 1;
  if (cycles <= 0 || words > static_cast<uint64_t>(cycles) * bandwidth_) {
    throw InternalError(
        "SCALE-Sim CALC emulation: a fetch does not fit its window (SCALE-Sim "
        "itself fails on this layer)");
  }
  dram_words_ += words;
  // One row of requests per cycle, answered a read-port latency later.
  if (!fetched_any_) dram_start_ = last_start_ + kReadPortLatencyCycles;
  dram_stop_ = last_end_ + kReadPortLatencyCycles;
  fetched_any_ = true;
}

void ScaleSimEstimateBuffer::complete() {
  if (current_words_ > 0) {
    set_words_filled_.push_back(current_words_);
  } else {
    --current_set_;  // an empty set being built is not a set
  }
  if (!active_done_) {
    const auto sets = current_set_ + 1;
    last_end_ = -2;
    last_start_ =
        last_end_ -
        static_cast<int64_t>(ceil_div(static_cast<uint64_t>(sets) * set_words_, bandwidth_)) + 1;
    fetch(0, sets - 1);
    active_done_ = true;
    return;
  }
  const auto sets = current_set_ - fetch_start_set_ + 1;
  bandwidth_ = ceil_div(static_cast<uint64_t>(sets) * set_words_,
                        static_cast<uint64_t>(last_end_ - last_start_ + 1));
  fetch(fetch_start_set_, current_set_);
}

// ---------------------------------------------------------------- block estimate (CALC)

ScaleSimBlockEstimate::ScaleSimBlockEstimate(std::vector<int32_t>& latest, uint64_t address_count,
                                             uint64_t size_words)
    : latest_(latest),
      address_count_(address_count),
      set_words_(size_words / 100),
      block_words_(50 * set_words_) {
  if (set_words_ == 0)
    throw InputError("SCALE-Sim CALC mode needs scratchpads of 100 words or more");
}

void ScaleSimBlockEstimate::add_new_across_blocks(int64_t row, uint64_t count) {
  while (count > 0) {
    const uint64_t taken = std::min(count, block_words_ - in_block_);
    in_block_ += taken;
    new_words_ += taken;
    count -= taken;
    if (in_block_ < block_words_) return;
    // ScaleSimEstimateBuffer fetches each window in the cycles between the two previous window
    // ends: two ends in one cycle leave it none (SCALE-Sim itself fails on such a layer).
    if (blocks_ > 0 && row == last_block_end_row_) {
      throw InternalError(
          "SCALE-Sim CALC emulation: a fetch does not fit its window (SCALE-Sim "
          "itself fails on this layer)");
    }
    last_block_end_row_ = row;
    ++blocks_;
    ++block_;
    in_block_ = 0;
  }
}

ExternalAccesses ScaleSimBlockEstimate::dram() const {
  // The first fill: one block at 10 words per cycle (read_buffer_estimate_bw.py's default),
  // ending two cycles before the first request, answered a read-port latency later.
  constexpr uint64_t kFirstFillWordsPerCycle = 10;
  if (blocks_ > 0) {
    const auto fill = static_cast<int64_t>(ceil_div(block_words_, kFirstFillWordsPerCycle));
    return {first_row_ - fill, last_block_end_row_ + kReadPortLatencyCycles, new_words_};
  }
  // No block ended: everything is the first fill, of whole sets, ending at cycle -2.
  const uint64_t sets = ceil_div(in_block_, set_words_);
  if (sets == 0) {
    throw InternalError(
        "SCALE-Sim CALC emulation: a fetch does not fit its window (SCALE-Sim "
        "itself fails on this layer)");
  }
  const auto fill = static_cast<int64_t>(ceil_div(sets * set_words_, kFirstFillWordsPerCycle));
  return {-fill, -2 + kReadPortLatencyCycles, new_words_};
}

// ---------------------------------------------------------------- write buffer

ScaleSimWriteBuffer::ScaleSimWriteBuffer(uint64_t size_words, uint64_t bandwidth_words)
    : bandwidth_(bandwidth_words) {
  if (bandwidth_words == 0) throw InputError("SCALE-Sim bandwidth must be at least 1 word/cycle");
  active_words_ = static_cast<int64_t>(ceil_div(size_words, 2));
  drain_words_ = size_words - static_cast<uint64_t>(active_words_);
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

int64_t ScaleSimWriteBuffer::write_acting(int64_t cycle, uint64_t words) {
  int64_t current = cycle;
  while (words > 0) {
    // Words that change nothing but the fill level are stored in one go.
    const int64_t quiet_limit = current < drain_end_cycle_ ? 1 : active_words_;
    const uint64_t quiet = std::min<uint64_t>(
        words - 1, static_cast<uint64_t>(std::max<int64_t>(0, free_words_ - quiet_limit)));
    const uint64_t stored = quiet + 1;
    store(stored);
    words -= stored;
    // The last stored word is the one that may act.
    if (current < drain_end_cycle_) {
      if (free_words_ <= 0) current = drain_end_cycle_;  // wait for the drain in flight
    } else if (free_words_ < active_words_) {
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
