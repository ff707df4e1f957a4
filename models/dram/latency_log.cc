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

std::array<float, 2> LatencyLog::kth_smallest(size_t k1, size_t k2) const {
  // Three passes, one digit of the 32-bit key each (11, 11 and 10 bits, most significant
  // first): count the values that share the digits found so far, by their next digit, and
  // keep the digit in which the k-th falls. Both ranks are looked for in the same passes; a
  // value outside a prefix is counted in a spare bin rather than skipped by a branch (the
  // branch would be as good as random).
  struct Digit {
    int shift, bits;
  };
  constexpr Digit kDigits[] = {{21, 11}, {10, 11}, {0, 10}};
  constexpr size_t kSpare = 2048;
  std::array<size_t, 2> k{k1, k2};
  std::array<uint64_t, 2> prefix{};  // the digits found so far
  for (const Digit& d : kDigits) {
    const int above = d.shift + d.bits;
    const uint32_t mask = (1u << d.bits) - 1;
    const size_t lists = prefix[0] == prefix[1] ? 1 : 2;  // the same prefix: the same counts
    std::array<std::array<size_t, kSpare + 1>, 2> count{};
    for_each([&](float x) {
      const uint64_t key = order_key(x);
      for (size_t q = 0; q < lists; ++q) {
        ++count[q][key >> above == prefix[q] ? key >> d.shift & mask : kSpare];
      }
    });
    for (size_t q = 0; q < 2; ++q) {
      const auto& counted = count[lists == 1 ? 0 : q];
      uint32_t digit = 0;
      while (k[q] >= counted[digit]) k[q] -= counted[digit++];
      prefix[q] = prefix[q] << d.bits | digit;
    }
  }
  return {from_order_key(static_cast<uint32_t>(prefix[0])),
          from_order_key(static_cast<uint32_t>(prefix[1]))};
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
  auto rank = [&](double q) { return std::min(size_ - 1, static_cast<size_t>(q * n)); };
  const size_t k50 = rank(0.50), k99 = rank(0.99);
  s.avg = sum / n;
  s.max = max;
  if (chunks_.size() > 1) {
    const auto [p50, p99] = kth_smallest(k50, k99);
    s.p50 = p50;
    s.p99 = p99;
    return s;
  }
  float* first = chunks_[0].values.get();  // one chunk: selecting in place is quicker
  auto at = [&](size_t k) {
    std::nth_element(first, first + k, first + size_);
    return static_cast<double>(first[k]);
  };
  s.p50 = at(k50);
  s.p99 = at(k99);
  return s;
}

}  // namespace accelgym::dram
