#include "models/dram/latency_log.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdlib>
#include <new>

#include <sys/mman.h>

namespace accelgym::dram {
namespace {

// A float's bits as an unsigned key in the float's order (negative values below positive).
uint32_t order_key(float x) {
  const auto bits = std::bit_cast<uint32_t>(x);
  return bits & 0x80000000u ? ~bits : bits | 0x80000000u;
}

float from_order_key(uint32_t key) {
  return std::bit_cast<float>(key & 0x80000000u ? key & 0x7fffffffu : ~key);
}

constexpr size_t kHugePageBytes = size_t{2} << 20;

}  // namespace

void LatencyLog::Free::operator()(float* p) const { std::free(p); }

void LatencyLog::grow() {
  const size_t capacity = chunks_.empty() ? kFirstChunk : kLaterChunk;
  const size_t bytes = capacity * sizeof(float);
  void* memory = bytes % kHugePageBytes == 0 ? std::aligned_alloc(kHugePageBytes, bytes)
                                             : std::malloc(bytes);
  if (!memory) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  // Advice only: where transparent huge pages are off, the pages stay small.
  if (bytes % kHugePageBytes == 0) madvise(memory, bytes, MADV_HUGEPAGE);
#endif
  chunks_.push_back({std::unique_ptr<float[], Free>(static_cast<float*>(memory)), capacity});
  next_ = chunks_.back().values.get();
  free_ = capacity;
}

template <class F>
void LatencyLog::for_each(F&& f) const {
  for (size_t c = 0; c < chunks_.size(); ++c) {
    const size_t n = chunks_[c].capacity - (c + 1 == chunks_.size() ? free_ : 0);
    const float* values = chunks_[c].values.get();
    for (size_t i = 0; i < n; ++i) f(values[i]);
  }
}

float LatencyLog::kth_smallest(size_t k) const {
  // Three passes, one digit of the 32-bit key each (11, 11 and 10 bits, most significant
  // first): count the values that share the digits found so far, by their next digit, and
  // keep the digit in which the k-th falls.
  struct Digit {
    int shift, bits;
  };
  constexpr Digit kDigits[] = {{21, 11}, {10, 11}, {0, 10}};
  uint64_t prefix = 0;  // the digits found so far
  for (const Digit& d : kDigits) {
    std::array<size_t, 2048> count{};
    const int above = d.shift + d.bits;
    const uint32_t mask = (1u << d.bits) - 1;
    for_each([&](float x) {
      const uint64_t key = order_key(x);
      if (key >> above == prefix) ++count[key >> d.shift & mask];
    });
    uint32_t digit = 0;
    while (k >= count[digit]) k -= count[digit++];
    prefix = prefix << d.bits | digit;
  }
  return from_order_key(static_cast<uint32_t>(prefix));
}

LatencyLog::Summary LatencyLog::summarize() {
  Summary s;
  if (size_ == 0) return s;
  double sum = 0;
  float max = chunks_[0].values[0];
  for_each([&](float x) {
    sum += x;
    max = std::max(max, x);
  });
  const auto n = static_cast<double>(size_);
  auto at = [&](double q) {
    const size_t k = std::min(size_ - 1, static_cast<size_t>(q * n));
    if (chunks_.size() > 1) return static_cast<double>(kth_smallest(k));
    float* first = chunks_[0].values.get();  // one chunk: selecting in place is quicker
    std::nth_element(first, first + k, first + size_);
    return static_cast<double>(first[k]);
  };
  s.avg = sum / n;
  s.p50 = at(0.50);
  s.p99 = at(0.99);
  s.max = max;
  return s;
}

}  // namespace accelgym::dram
