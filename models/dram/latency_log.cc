#include "models/dram/latency_log.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <new>
#include <vector>

#include <sys/mman.h>

#include <fmt/format.h>

#include "sim/core/errors.h"
#include "sim/core/limits.h"

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
  // The one place a run's memory grows with its length: bound it here, off the hot path.
  const uint64_t most = limits().max_trace_requests;
  if (size_ >= most) {
    throw InputError(fmt::format("more than {} DRAM requests in one run ({})", most,
                                 limit_hint("max_trace_requests")));
  }
  const size_t capacity = chunks_.empty() ? kFirstChunk : kLaterChunk;
  const size_t bytes = capacity * sizeof(float);
  void* memory =
      bytes % kHugePageBytes == 0 ? std::aligned_alloc(kHugePageBytes, bytes) : std::malloc(bytes);
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
  for (const Chunk& chunk : chunks_) {
    const float* values = chunk.values.get();
    const size_t n = used(chunk);
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

bool LatencyLog::kth_smallest_binned(size_t k1, size_t k2, float lo, float hi,
                                     std::array<float, 2>& out) const {
  // Bins of equal width between lo and hi. The bin of a value never decreases as the value
  // grows (each step rounds monotonically), so every value in a lower bin is at most every
  // value in a higher one: the k-th smallest is in the bin where the counts cross k. Latencies
  // are often whole cycles, so that bin may hold one value many times (then it is the answer)
  // or a few values (selected from a copy); otherwise the radix passes take over.
  constexpr size_t kBins = 4096;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return false;
  const double low = lo, scale = kBins / (static_cast<double>(hi) - low);
  auto bin_of = [&](float x) {  // in [0, kBins]: a 32-bit conversion suffices
    const auto b =
        static_cast<uint32_t>(static_cast<int32_t>((static_cast<double>(x) - low) * scale));
    return std::min<uint32_t>(kBins - 1, b);
  };
  // Two interleaved counts: in a run of equal values each increment would otherwise wait for
  // the one before. On the stack: fresh heap memory costs page faults (see the class comment).
  std::array<uint32_t, 2 * kBins> counts{};
  for (const Chunk& chunk : chunks_) {
    const float* values = chunk.values.get();
    const size_t n = used(chunk);
    size_t i = 0;
    for (; i + 1 < n; i += 2) {
      ++counts[bin_of(values[i])];
      ++counts[kBins + bin_of(values[i + 1])];
    }
    if (i < n) ++counts[bin_of(values[i])];
  }
  for (size_t b = 0; b < kBins; ++b) counts[b] += counts[kBins + b];
  std::array<size_t, 2> k{k1, k2};
  std::array<uint32_t, 2> bin{};
  for (size_t q = 0; q < 2; ++q) {
    uint32_t b = 0;
    while (k[q] >= counts[b]) k[q] -= counts[b++];
    bin[q] = b;
  }
  // The smallest and largest value in each target bin, without a branch per value (as order
  // keys: an integer minimum does not wait on the one before as a floating-point one does).
  std::array<uint32_t, 2> least{~0u, ~0u}, most{0, 0};
  for_each([&](float x) {
    const uint32_t b = bin_of(x), key = order_key(x);
    for (size_t q = 0; q < 2; ++q) {
      const uint32_t in_bin = 0u - static_cast<uint32_t>(b == bin[q]);  // all ones or zero
      least[q] = std::min(least[q], key | ~in_bin);
      most[q] = std::max(most[q], key & in_bin);
    }
  });
  for (size_t q = 0; q < 2; ++q) {
    if (least[q] == most[q]) {  // one value, however often
      out[q] = from_order_key(least[q]);
      continue;
    }
    // Few values in the bin (they are spread): select from a copy. Many different ones: the
    // radix passes (a large copy would cost fresh memory).
    if (counts[bin[q]] > std::max<size_t>(4096, size_ / 64)) return false;
    std::vector<float> in_bin;
    in_bin.reserve(counts[bin[q]]);
    for_each([&](float x) {
      if (bin_of(x) == bin[q]) in_bin.push_back(x);
    });
    std::nth_element(in_bin.begin(), in_bin.begin() + static_cast<std::ptrdiff_t>(k[q]),
                     in_bin.end());
    out[q] = in_bin[k[q]];
  }
  return true;
}

LatencyLog::Summary LatencyLog::summarize() {
  Summary s;
  if (size_ == 0) return s;
  double sum = 0;  // in the order added
  float min = chunks_[0].values[0], max = min;
  for_each([&](float x) {
    sum += x;
    min = std::min(min, x);
    max = std::max(max, x);
  });
  const auto n = static_cast<double>(size_);
  auto rank = [&](double q) { return std::min(size_ - 1, static_cast<size_t>(q * n)); };
  const size_t k50 = rank(0.50), k99 = rank(0.99);
  s.avg = sum / n;
  s.max = max;
  if (chunks_.size() > 1) {
    std::array<float, 2> selected;
    if (!kth_smallest_binned(k50, k99, min, max, selected)) selected = kth_smallest(k50, k99);
    const auto [p50, p99] = selected;
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
