// SCALE-Sim v2's double-buffered scratchpads in "USER" bandwidth mode, emulated exactly but
// without its per-cycle matrices (scalesim/memory/read_buffer.py and write_buffer.py at the
// commit of its golden USER-mode outputs, test/general/golden_trace_user_{os,ws,is}).
//
// Read buffer: the operand's prefetch stream (addresses in the order the array will want them)
// is cut into 100 sets of ceil(size / 100) valid addresses. The active half holds a window of
// sets; a demanded address outside the window slides the window by the prefetch half and
// issues the next prefetch (half the scratchpad, `bandwidth` words per cycle) right after the
// previous one. Write buffer: outputs gather in lines of `bandwidth` words; when the active
// half is full the drain half is written out one line per cycle and the array waits if it
// fills again before the drain ends.
// Every quirk that shapes its numbers is kept and marked "(SCALE-Sim)" where it is reproduced.
// Which version's semantics: the combination that reproduces all three golden USER-mode runs
// exactly (sets of size/100 as in read_buffer.py 48f6938, drains in the background as in
// write_buffer.py before the row waited for them), with the prefetch stall rule selectable:
// SCALE-Sim v2 as released since commit 22f88b1 ("removing double counting of stall cycles":
// a stall counts once, a negative one not at all), or the rule before it (9ac2a40 and the
// golden files: counted twice when positive, and added even when negative).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace accelgym::memory {

// read_buffer.py's stall rule (see above).
enum class ScaleSimStallRule { kCurrent, kBefore22f88b1 };

// An operand's prefetch stream cut into sets ("lines") of `set_words` valid addresses: the set
// of every stream position (null requests have none). The fetch matrix has rows of
// `bandwidth_words` entries, null requests included. Storage comes from the caller so that one
// allocation serves every layer of a network.
class PrefetchLines {
 public:
  static constexpr uint32_t kNullRequest = ~uint32_t{0};

  PrefetchLines(std::vector<uint32_t>& storage, uint64_t set_words, uint64_t bandwidth_words);

  // Call in stream order; `valid` is false for SCALE-Sim's null requests (-1).
  void append(bool valid) {
    if (!valid) {
      position_lines_.push_back(kNullRequest);
      return;
    }
    position_lines_.push_back(static_cast<uint32_t>(valid_ / set_words_));
    ++valid_;
  }

  uint32_t line_at(uint64_t position) const { return position_lines_[position]; }
  // Sets: valid entries / set size + 1 (the last one may be empty, as in SCALE-Sim).
  uint64_t line_count() const { return valid_ / set_words_ + 1; }
  uint64_t set_words() const { return set_words_; }
  // Rows of its fetch matrix: all entries, null requests included, per bandwidth.
  uint64_t fetch_rows() const { return (position_lines_.size() + bandwidth_ - 1) / bandwidth_; }

 private:
  std::vector<uint32_t>& position_lines_;
  uint64_t set_words_, bandwidth_;
  uint64_t valid_ = 0;
};

struct ExternalAccesses {
  int64_t start_cycle = 0;
  int64_t stop_cycle = 0;
  uint64_t words = 0;
};

class ScaleSimReadBuffer {
 public:
  // `size_words` is the whole scratchpad; half is active, half prefetch (SCALE-Sim's default
  // active_buf_frac 0.5). SRAM banks and ports are not modelled: the golden outputs were made
  // before SCALE-Sim's bank-conflict model (later versions add ceil(lines / ports) - 1 per row).
  ScaleSimReadBuffer(const PrefetchLines& lines, uint64_t size_words, uint64_t bandwidth_words,
                     ScaleSimStallRule rule = ScaleSimStallRule::kCurrent);

  // Serves one demand row arriving at `cycle`: `count` requests whose own places in the
  // prefetch stream are first_position, first_position + 1, ... Returns the cycle the row is
  // served (cycle + hit latency when nothing stalls). A request is a hit when any set holding
  // its address is in the window: its own set, or, for a word im2col repeats, another one;
  // elsewhere(i, resident) calls resident(position) for the other places of request i's
  // address until one returns true, and returns whether one did. `any` tells whether the row
  // held a request at all (a row of null requests is no access).
  template <class Elsewhere>
  int64_t serve_row(int64_t cycle, uint64_t first_position, uint64_t count, Elsewhere elsewhere,
                    bool& any) {
    any = false;
    if (!started_) prefetch_active(cycle);
    int64_t offset = kHitLatencyCycles;
    auto resident = [this](uint64_t position) {
      const uint32_t line = lines_.line_at(position);
      return line != PrefetchLines::kNullRequest && in_window(line);
    };
    for (uint64_t i = 0; i < count; ++i) {
      const uint64_t own = first_position + i;
      if (lines_.line_at(own) == PrefetchLines::kNullRequest) continue;
      any = true;
      for (uint64_t tries = 0; !resident(own) && !elsewhere(i, resident); ++tries) {
        if (tries > line_count_) throw_not_streamed(own);
        new_prefetch();
        const int64_t potential_stall = last_prefetch_cycle_ - (cycle + offset);
        if (rule_ == ScaleSimStallRule::kBefore22f88b1) {
          offset += potential_stall;  // (SCALE-Sim before 22f88b1) even when negative,
        }
        if (potential_stall > 0) offset += potential_stall;  // and once more when positive
      }
    }
    return cycle + offset;
  }

  ExternalAccesses dram() const { return {dram_start_, last_prefetch_cycle_, dram_words_}; }

 private:
  static constexpr int64_t kHitLatencyCycles = 1;  // read_buffer.py hit_latency

  bool in_window(uint64_t line) const {
    return window_start_ < window_end_ ? line >= window_start_ && line < window_end_
                                       : line >= window_start_ || line < window_end_;
  }
  void prefetch_active(int64_t start_cycle);
  void new_prefetch();
  [[noreturn]] static void throw_not_streamed(uint64_t position);

  const PrefetchLines& lines_;
  uint64_t bandwidth_;
  ScaleSimStallRule rule_;
  uint64_t active_words_, prefetch_words_;
  uint64_t line_count_, active_lines_, prefetch_lines_;
  uint64_t window_start_ = 0, window_end_ = 0;
  bool started_ = false;
  int64_t last_prefetch_cycle_ = 0, dram_start_ = 0;
  uint64_t dram_words_ = 0;
};

// CALC mode's read buffer (read_buffer_estimate_bw.py): it never stalls the array; it groups
// the new addresses of the demand stream, in demand order, into sets of floor(size / 100),
// and each time 50 sets are complete it counts them as one DRAM fetch of the past window and
// the bandwidth that fetch needed (the first one at `bandwidth`, timed to end before the first
// request). An address demanded again is new unless its set was completed after the last
// window boundary and is among the next 50: sets older than that are forgotten.
class ScaleSimEstimateBuffer {
 public:
  // `latest` is scratch storage of one entry per operand address (reused across layers).
  ScaleSimEstimateBuffer(std::vector<int32_t>& latest, uint64_t address_count, uint64_t size_words,
                         uint64_t bandwidth_words);

  // One demand row at `cycle` (null requests skipped); the row is served at cycle + 1.
  template <class AddressOf>
  int64_t serve_row(int64_t cycle, uint64_t count, AddressOf address_of) {
    for (uint64_t i = 0; i < count; ++i) {
      const int64_t address = address_of(i);
      if (address < 0) continue;
      if (!first_seen_) {
        first_cycle_ = cycle;
        first_seen_ = true;
      }
      demand(cycle, static_cast<uint64_t>(address));
    }
    return cycle + 1;
  }
  // Fetches what is left after the last row.
  void complete();
  ExternalAccesses dram() const { return {dram_start_, dram_stop_, dram_words_}; }

 private:
  static constexpr int64_t kSets = 100, kWindowSets = 50;
  void demand(int64_t cycle, uint64_t address) {
    int32_t& newest = latest_[address];
    if (newest >= window_start_ && newest < std::min(current_set_, window_end_ + 1)) return;  // hit
    if (newest == current_set_) return;  // already in the set being built
    newest = static_cast<int32_t>(current_set_);
    if (++current_words_ == set_words_) set_completed(cycle);
  }
  void set_completed(int64_t cycle);
  void fetch(int64_t first_set, int64_t last_set);

  std::vector<int32_t>& latest_;  // per address: the newest set holding it, -1 = none
  uint64_t set_words_, bandwidth_;
  uint64_t current_words_ = 0;  // in the set being built
  int64_t current_set_ = 0;
  std::vector<uint64_t> set_words_filled_;  // words of each completed set
  int64_t window_start_ = 0, window_end_ = kWindowSets - 1;
  int64_t fetch_start_set_ = -1, fetch_end_set_ = -1;
  int64_t last_start_ = -2, last_end_ = -1;
  int64_t first_cycle_ = 0;
  bool first_seen_ = false, active_done_ = false;
  bool fetched_any_ = false;
  int64_t dram_start_ = 0, dram_stop_ = 0;
  uint64_t dram_words_ = 0;
};

// ScaleSimEstimateBuffer's numbers from what decides them. Its windows are runs of 50
// consecutive sets, and a demanded address is new exactly when it was not demanded since the
// current window began (the hit test reduces to "its newest set is in the current window").
// So each window ("block") ends at its B-th new address, B = 50 x floor(size / 100), and the
// DRAM words are the new addresses. In this form a caller can add a run of addresses it knows
// to be new without naming them (models/accel/scalesim_user.cc's fast CALC estimates).
class ScaleSimBlockEstimate {
 public:
  // `latest` is scratch storage of one entry per operand address (reused across layers).
  ScaleSimBlockEstimate(std::vector<int32_t>& latest, uint64_t address_count, uint64_t size_words);

  // The first row with a request (the first fill is timed to end just before it).
  void note_first_row(int64_t row) { first_row_ = row; }
  // Before the first demand(): clears `latest` (runs counted by add_new never need it).
  void prepare_lookups() {
    if (!prepared_) latest_.assign(address_count_, -1);
    prepared_ = true;
  }
  // One demanded address in `row` (after prepare_lookups).
  void demand(int64_t row, uint64_t address) {
    int32_t& block = latest_[address];
    if (block == block_) return;
    block = block_;
    add_new(row, 1);
  }
  // The `count` addresses demanded in `row`, in order (after prepare_lookups). The same as
  // demand() on each, with the block's state kept in registers.
  void demand_row(int64_t row, const uint64_t* addresses, size_t count) {
    int32_t* latest = latest_.data();
    const int32_t block = block_;
    const uint64_t room = block_words_ - in_block_;
    uint64_t found = 0;
    for (size_t i = 0; i < count; ++i) {
      // Without a branch on the lookup: hits and misses alternate unpredictably.
      int32_t& newest = latest[addresses[i]];
      found += newest != block;
      newest = block;
      if (found == room) [[unlikely]] {  // the block ends here: the rest goes to the next one
        add_new(row, found);
        for (++i; i < count; ++i) demand(row, addresses[i]);
        return;
      }
    }
    add_new(row, found);
  }
  // A fold's demand in no particular order, for when no block ends in it (order then changes
  // nothing): runs(run) calls run(first, count) for runs of consecutive addresses covering the
  // fold's words (some more than once). Returns false, every mark as before, when a block would
  // end in them: the caller must then demand them in order.
  template <class Runs>
  bool demand_unordered(Runs runs) {
    int32_t* latest = latest_.data();
    const int32_t block = block_;
    const uint64_t room = block_words_ - in_block_;
    undo_.resize(room);  // the marks changed so far, to restore
    uint64_t found = 0;
    runs([&](uint64_t first, uint64_t count) {
      if (found == room) return;
      for (uint64_t a = first; a < first + count; ++a) {
        int32_t& newest = latest[a];
        undo_[found] = a;  // kept only when the mark changes (found moves on)
        found += newest != block;
        newest = block;
        if (found == room) [[unlikely]]
          return;
      }
    });
    if (found == room) {
      // Marks of past blocks all mean "not in this block": -1 restores them exactly.
      for (uint64_t i = 0; i < found; ++i) latest[undo_[i]] = -1;
      return false;
    }
    in_block_ += found;
    new_words_ += found;
    return true;
  }
  // `count` addresses demanded in `row` that are new in the current block and will not be
  // demanded again within the blocks they end up in (their marks are not kept).
  void add_new(int64_t row, uint64_t count) {
    if (count < block_words_ - in_block_) {
      in_block_ += count;
      new_words_ += count;
      return;
    }
    add_new_across_blocks(row, count);
  }
  // New addresses that fit before the current block ends.
  uint64_t room() const { return block_words_ - in_block_; }
  uint64_t block_words() const { return block_words_; }
  uint64_t address_count() const { return address_count_; }
  uint64_t new_words() const { return new_words_; }
  uint64_t blocks() const { return blocks_; }  // ended so far
  // After the last row: ScaleSimEstimateBuffer::complete() then dram().
  ExternalAccesses dram() const;

 private:
  void add_new_across_blocks(int64_t row, uint64_t count);

  std::vector<int32_t>& latest_;  // per address: the block that last demanded it, -1 = none
  uint64_t address_count_;
  bool prepared_ = false;
  uint64_t set_words_, block_words_;
  int32_t block_ = 0;
  uint64_t in_block_ = 0, new_words_ = 0, blocks_ = 0;
  int64_t first_row_ = 0, last_block_end_row_ = 0;
  std::vector<uint64_t> undo_;  // demand_unordered's changed marks
};

class ScaleSimWriteBuffer {
 public:
  ScaleSimWriteBuffer(uint64_t size_words, uint64_t bandwidth_words);

  // Writes one row of `words` outputs arriving at `cycle`; returns the cycle it is done.
  int64_t write_row(int64_t cycle, uint64_t words) {
    // Most rows only fill the buffer: no drain starts and none is waited for (write_acting's
    // first store takes them whole and acts on nothing).
    const int64_t left = free_words_ - static_cast<int64_t>(words);
    if (cycle < drain_end_cycle_ ? left > 0 : left >= active_words_) {
      store(words);
      return cycle;
    }
    return write_acting(cycle, words);
  }
  // How many of `rows` rows of `words` outputs each, one per cycle from `cycle` on, write_row
  // would only store (at most `rows`); store() then writes them at once.
  int64_t quiet_rows(int64_t cycle, uint64_t words, int64_t rows) const {
    if (words == 0) return rows;
    const auto w = static_cast<int64_t>(words);
    // During a drain a row only stores while words stay free; after it, while half are.
    const int64_t quiet = cycle < drain_end_cycle_
                              ? std::min(drain_end_cycle_ - cycle, (free_words_ - 1) / w)
                              : (free_words_ - active_words_) / w;
    return std::clamp<int64_t>(quiet, 0, rows);
  }
  void store(uint64_t words) {
    line_fill_ += words;
    lines_ += line_fill_ / bandwidth_;
    line_fill_ %= bandwidth_;
    free_words_ -= static_cast<int64_t>(words);
  }
  // Drains what is left after the last row, from `cycle` on.
  void drain_all(int64_t cycle);

  ExternalAccesses dram() const { return {dram_start_, dram_stop_, dram_words_}; }

 private:
  int64_t write_acting(int64_t cycle, uint64_t words);
  void close_partial_line();
  int64_t drain(int64_t start_cycle);  // returns the cycle the drain ends

  uint64_t bandwidth_, drain_words_;
  int64_t active_words_;  // a drain starts when fewer are free
  int64_t free_words_;
  uint64_t line_fill_ = 0;  // words in the open line
  uint64_t lines_ = 0;      // closed lines so far
  uint64_t drained_lines_ = 0;
  std::vector<std::pair<uint64_t, uint64_t>> partial_lines_;  // (line, words) of short lines
  size_t partial_head_ = 0;
  int64_t drain_end_cycle_ = 0;
  bool drained_any_ = false;
  int64_t dram_start_ = 0, dram_stop_ = 0;
  uint64_t dram_words_ = 0;
};

}  // namespace accelgym::memory
