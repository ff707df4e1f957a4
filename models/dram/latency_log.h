// Per-request latencies of one run and their summary (average, exact p50 / p99, maximum).
// Kept in fixed 64 KiB chunks rather than one growing array: a growing array is copied into
// fresh memory at every doubling, and fresh pages are what a long run pays most for on some
// hosts (docs/PERFORMANCE.md); chunks this size come from, and go back to, the allocator's
// reusable pool. The percentiles of a run that fills more than one chunk are found by radix
// selection over the chunks (no sorted copy); within one chunk, by std::nth_element in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace accelgym::dram {

class LatencyLog {
 public:
  void add(float latency_ns) {
    if (size_ % kChunk == 0 && size_ / kChunk == chunks_.size()) {
      chunks_.push_back(std::make_unique_for_overwrite<float[]>(kChunk));
    }
    chunks_[size_ / kChunk][size_ % kChunk] = latency_ns;
    ++size_;
  }
  size_t size() const { return size_; }

  struct Summary {
    double avg = 0, p50 = 0, p99 = 0, max = 0;
  };
  // Zeros when empty. pXX is the value at index min(n - 1, floor(XX / 100 * n)) of the sorted
  // latencies; the average sums them in arrival order. May reorder the log.
  Summary summarize();
  // The k-th smallest latency (0-based), exactly; k < size().
  float kth_smallest(size_t k) const;

 private:
  static constexpr size_t kChunk = 16384;  // 64 KiB of floats: below glibc's mmap threshold
  template <class F>
  void for_each(F&& f) const;
  std::vector<std::unique_ptr<float[]>> chunks_;
  size_t size_ = 0;
};

}  // namespace accelgym::dram
