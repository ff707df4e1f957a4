// Per-request latencies of one run and their summary (average, exact p50 / p99, maximum).
// Kept in chunks rather than one growing array, because fresh memory is what a long run pays
// most for on some hosts (a first touch costs ~11 us per 4 KiB page in a nested VM;
// docs/PERFORMANCE.md): a growing array is copied into fresh memory at every doubling. The
// first chunk (64 KiB) is what short runs need and comes from, and goes back to, the
// allocator's reusable pool; later chunks are 2 MiB, aligned and marked for a transparent huge
// page, so a long run takes one fault per 2 MiB instead of 512. The percentiles of a run that
// fills more than one chunk are found by radix selection over the chunks (no sorted copy);
// within one chunk, by std::nth_element in place.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace accelgym::dram {

class LatencyLog {
 public:
  void add(float latency_ns) {
    if (free_ == 0) grow();
    *next_++ = latency_ns;
    --free_;
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
  float kth_smallest(size_t k) const { return kth_smallest(k, k)[0]; }
  // The k1-th and k2-th smallest together (the passes over the log are shared).
  std::array<float, 2> kth_smallest(size_t k1, size_t k2) const;

  static constexpr size_t kFirstChunk = 16384;       // 64 KiB of floats
  static constexpr size_t kLaterChunk = 512 * 1024;  // 2 MiB: one huge page

 private:
  struct Free {
    void operator()(float* p) const;
  };
  struct Chunk {
    std::unique_ptr<float[], Free> values;
    size_t capacity;
  };
  void grow();
  // Values held by a chunk (the last one is partly free).
  size_t used(const Chunk& chunk) const {
    return chunk.capacity - (&chunk == &chunks_.back() ? free_ : 0);
  }
  template <class F>
  void for_each(F&& f) const;
  // kth_smallest(k1, k2) given the least and greatest value: counted in value bins, then the
  // target bins' values examined (no radix passes); false when a target bin holds too many
  // different values to select from a copy (`out` is then undefined).
  bool kth_smallest_binned(size_t k1, size_t k2, float lo, float hi,
                           std::array<float, 2>& out) const;
  std::vector<Chunk> chunks_;
  float* next_ = nullptr;  // the next free slot of the last chunk
  size_t free_ = 0;        // free slots left in the last chunk
  size_t size_ = 0;
};

}  // namespace accelgym::dram
