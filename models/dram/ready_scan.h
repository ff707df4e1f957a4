// The scheduler's inner loop: over a rank's banks, the earliest time each bank's chosen command
// may issue and, among the banks earliest then, the oldest request. Runs once per issued
// command, so it has a vector version (AVX-512, chosen at run time) beside the plain one; both
// give the same answer bit for bit (tests/cpp/dram_test.cc checks them against each other).
#pragma once

#include <cstdint>

namespace accelgym::dram {

// Bank commands are ACT..WRA (Cmd 0..6): a rank's constraints on them fit one 8-lane row.
constexpr uint32_t kSharedRow = 8;

struct ReadyMin {
  uint64_t time;  // kNever-like all-ones when no bank has a command
  uint64_t key;   // the winner's key (all-ones if none)
};

struct ReadyScanInput {
  const uint64_t* local;  // per bank: when its own and its group's constraints allow its command
  const uint8_t* cmd;     // per bank: its command (< kSharedRow)
  const uint64_t* key;    // per bank: request id << 8 | bank; all-ones for an idle bank
  uint32_t count;         // banks; the arrays may be read up to a multiple of 8 past it
  const uint64_t* channel_row;  // channel constraints by command (kSharedRow entries)
  const uint64_t* rank_row;     // rank constraints by command (kSharedRow entries)
  uint64_t now;                 // nothing is earlier than this
  // CmdMux Strict: reads and writes (Cmd 3..6) only for this request id; all-ones: any.
  uint64_t only_cas_id = ~uint64_t{0};
};

// min over banks i of (max(local[i], now, channel_row[cmd[i]], rank_row[cmd[i]]), key[i]),
// compared by time, then key, leaving out reads and writes not for `only_cas_id` (if set).
// Request ids are below `id_limit`. `vector`: the AVX-512 code, which only a CPU for which
// earliest_ready_vectorized() holds may run (callers ask once); false: the scalar code.
ReadyMin earliest_ready(const ReadyScanInput& in, uint64_t id_limit, bool vector);
// The same over the banks in `busy` only (bit i: bank i; every other bank idle, as
// Channel keeps them), one at a time: with a few busy banks a shorter path than the whole
// rank's vectors. Not for CmdMux Strict (`in.only_cas_id` all-ones).
ReadyMin earliest_ready_among(const ReadyScanInput& in, uint64_t busy, uint64_t id_limit);
// The plain loop, whatever the CPU (the reference the fast versions are tested against).
ReadyMin earliest_ready_portable(const ReadyScanInput& in);
// Whether this CPU runs the vector version (AVX-512).
bool earliest_ready_vectorized();

}  // namespace accelgym::dram
