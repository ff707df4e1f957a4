#include "models/dram/ready_scan.h"

#include <algorithm>
#include <bit>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// GCC 12 warns about the deliberately undefined lanes inside its own AVX-512 intrinsics.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#define ACCELGYM_READY_SCAN_AVX512 1
#endif

namespace accelgym::dram {

namespace {
// Reads and writes are Cmd 3..6 (RD, WR, RDA, WRA; controller.cc checks it).
constexpr uint8_t kFirstCas = 3, kLastCas = 6;
// Under CmdMux Strict, whether bank i's command may not issue (a read or write that is not
// for the one request allowed).
bool strict_excluded(const ReadyScanInput& in, uint32_t i) {
  return in.only_cas_id != ~uint64_t{0} && in.cmd[i] >= kFirstCas && in.cmd[i] <= kLastCas &&
         in.key[i] >> 8 != in.only_cas_id;
}
// The channel's and rank's constraints by command, none earlier than `now`.
void shared_row(const ReadyScanInput& in, uint64_t (&shared)[kSharedRow]) {
  for (uint32_t c = 0; c < kSharedRow; ++c) {
    shared[c] = std::max({in.channel_row[c], in.rank_row[c], in.now});
  }
}
}  // namespace

ReadyMin earliest_ready_portable(const ReadyScanInput& in) {
  uint64_t shared[kSharedRow];
  shared_row(in, shared);
  // (time, key) packed in one word pair: the minimum is one compare per bank, no branch.
  __extension__ using Packed = unsigned __int128;  // GCC/Clang; silences -Wpedantic
  Packed best = ~Packed{0};
  for (uint32_t i = 0; i < in.count; ++i) {
    const uint64_t t =
        strict_excluded(in, i) ? ~uint64_t{0} : std::max(in.local[i], shared[in.cmd[i]]);
    best = std::min(best, Packed{t} << 64 | in.key[i]);
  }
  return {static_cast<uint64_t>(best >> 64), static_cast<uint64_t>(best)};
}

namespace {

// The fast scans compare (time - now, key) packed in one word: the wait in the top bits
// (saturated), the key below. Exact unless a wait saturates or a key is too wide; the caller
// then asks the portable scan.
constexpr int kKeyBits = 44;
constexpr uint64_t kKeyMask = (uint64_t{1} << kKeyBits) - 1;
constexpr uint64_t kMaxWait = (uint64_t{1} << (64 - kKeyBits)) - 1;

// Nothing in the loop may branch on a bank's data: whether a bank's own constraint or the
// shared one is later, or whether its command is a read, is as good as random, and a
// mispredicted branch per bank costs more than the whole scan (a compiler turned std::max and
// a short-circuit && into such branches; hence the masks, and Strict as its own loop).
template <bool kStrict>
uint64_t packed_min_scalar(const ReadyScanInput& in) {
  uint64_t shared[kSharedRow];
  shared_row(in, shared);
  uint64_t best = ~uint64_t{0};
  for (uint32_t i = 0; i < in.count; ++i) {
    const uint64_t local = in.local[i], constraint = shared[in.cmd[i]];
    const uint64_t t = constraint ^ ((local ^ constraint) & (0 - uint64_t{local > constraint}));
    const uint64_t wait = std::min(t - in.now, kMaxWait);
    uint64_t packed = wait << kKeyBits | (in.key[i] & kKeyMask);
    if constexpr (kStrict) {
      const uint64_t cas = static_cast<uint8_t>(in.cmd[i] - kFirstCas) <= kLastCas - kFirstCas;
      const uint64_t other = in.key[i] >> 8 != in.only_cas_id;
      packed |= 0 - (cas & other);  // all ones: left out
    }
    best = std::min(best, packed);
  }
  return best;
}

uint64_t packed_min_scalar(const ReadyScanInput& in) {
  return in.only_cas_id != ~uint64_t{0} ? packed_min_scalar<true>(in)
                                        : packed_min_scalar<false>(in);
}

#ifdef ACCELGYM_READY_SCAN_AVX512
// Eight banks per vector: their commands index the rank's row of constraints (one permute).
__attribute__((target("avx512f,avx512vl"))) uint64_t packed_min_avx512(const ReadyScanInput& in) {
  const __m512i now = _mm512_set1_epi64(static_cast<long long>(in.now));
  const __m512i shared = _mm512_max_epu64(
      _mm512_max_epu64(_mm512_loadu_si512(in.channel_row), _mm512_loadu_si512(in.rank_row)), now);
  const __m512i max_wait = _mm512_set1_epi64(static_cast<long long>(kMaxWait));
  const __m512i key_mask = _mm512_set1_epi64(static_cast<long long>(kKeyMask));
  const bool strict = in.only_cas_id != ~uint64_t{0};
  const __m512i only_cas_id = _mm512_set1_epi64(static_cast<long long>(in.only_cas_id));
  const __m512i first_cas = _mm512_set1_epi64(kFirstCas), last_cas = _mm512_set1_epi64(kLastCas);
  __m512i best = _mm512_set1_epi64(-1);
  for (uint32_t first = 0; first < in.count; first += 8) {
    const __m128i cmd8 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(in.cmd + first));
    const __m512i cmd = _mm512_cvtepu8_epi64(cmd8);
    const __m512i constraint = _mm512_permutexvar_epi64(cmd, shared);
    const __m512i t = _mm512_max_epu64(_mm512_loadu_si512(in.local + first), constraint);
    const __m512i wait = _mm512_min_epu64(_mm512_sub_epi64(t, now), max_wait);
    const __m512i full_key = _mm512_loadu_si512(in.key + first);
    const __m512i key = _mm512_and_si512(full_key, key_mask);
    const __m512i packed = _mm512_or_si512(_mm512_slli_epi64(wait, kKeyBits), key);
    const uint32_t left = in.count - first;
    auto lanes = static_cast<__mmask8>(left < 8 ? (1u << left) - 1 : 0xff);
    if (strict) {  // leave out reads and writes for other requests
      const __mmask8 cas =
          _mm512_cmpge_epu64_mask(cmd, first_cas) & _mm512_cmple_epu64_mask(cmd, last_cas);
      const __mmask8 other = _mm512_cmpneq_epu64_mask(_mm512_srli_epi64(full_key, 8), only_cas_id);
      lanes &= static_cast<__mmask8>(~(cas & other));
    }
    best = _mm512_mask_min_epu64(best, lanes, best, packed);
  }
  const __m256i half =
      _mm256_min_epu64(_mm512_castsi512_si256(best), _mm512_extracti64x4_epi64(best, 1));
  const __m128i quarter =
      _mm_min_epu64(_mm256_castsi256_si128(half), _mm256_extracti128_si256(half, 1));
  return std::min(static_cast<uint64_t>(_mm_cvtsi128_si64(quarter)),
                  static_cast<uint64_t>(_mm_extract_epi64(quarter, 1)));
}

bool cpu_has_avx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl");
}
#endif

}  // namespace

#ifdef ACCELGYM_READY_SCAN_AVX512
#pragma GCC diagnostic pop
#endif

bool earliest_ready_vectorized() {
#ifdef ACCELGYM_READY_SCAN_AVX512
  static const bool has = cpu_has_avx512();
  return has;
#else
  return false;
#endif
}

namespace {
// A packed minimum as (time, key); the portable scan where the packing could not hold it.
ReadyMin unpacked(const ReadyScanInput& in, uint64_t best) {
  if (best == ~uint64_t{0}) return {best, best};  // no bank has a command
  const uint64_t wait = best >> kKeyBits;
  if (wait == kMaxWait) return earliest_ready_portable(in);  // too far ahead to pack
  return {in.now + wait, best & kKeyMask};
}
}  // namespace

ReadyMin earliest_ready(const ReadyScanInput& in, uint64_t id_limit, bool vector) {
  if (id_limit > (kKeyMask >> 8)) return earliest_ready_portable(in);  // keys too wide to pack
#ifdef ACCELGYM_READY_SCAN_AVX512
  return unpacked(in, vector ? packed_min_avx512(in) : packed_min_scalar(in));
#else
  (void)vector;
  return unpacked(in, packed_min_scalar(in));
#endif
}

ReadyMin earliest_ready_among(const ReadyScanInput& in, uint64_t busy, uint64_t id_limit) {
  if (id_limit > (kKeyMask >> 8)) return earliest_ready_portable(in);  // keys too wide to pack
  uint64_t best = ~uint64_t{0};
  for (; busy != 0; busy &= busy - 1) {
    const auto i = static_cast<uint32_t>(std::countr_zero(busy));
    const size_t c = in.cmd[i];
    const uint64_t local = in.local[i];
    const uint64_t constraint = std::max({in.channel_row[c], in.rank_row[c], in.now});
    // Without a branch, as in packed_min_scalar: which is later is as good as random.
    const uint64_t t = constraint ^ ((local ^ constraint) & (0 - uint64_t{local > constraint}));
    best = std::min(best, std::min(t - in.now, kMaxWait) << kKeyBits | (in.key[i] & kKeyMask));
  }
  return unpacked(in, best);
}

}  // namespace accelgym::dram
