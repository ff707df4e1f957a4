// The timing-constraint table of a DRAM standard (keyed by level, preceding command and
// following command, as in Ramulator 2) and the state that answers "when may this command
// issue?" in O(levels). docs/reference/dram.md lists the constraints.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "models/dram/spec.h"

namespace accelgym::dram {

// A time that never comes (nothing to do, no constraint).
constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

// PDE/PDX: power-down entry/exit; SRE/SRX: self-refresh entry/exit.
enum class Cmd : uint8_t { ACT, PRE, PREA, RD, WR, RDA, WRA, REF, REFPB, PDE, PDX, SRE, SRX };
constexpr size_t kNumCmds = 13;
const char* cmd_name(Cmd cmd);
inline bool is_read(Cmd c) { return c == Cmd::RD || c == Cmd::RDA; }
inline bool is_write(Cmd c) { return c == Cmd::WR || c == Cmd::WRA; }
inline bool is_cas(Cmd c) { return is_read(c) || is_write(c); }
// Commands a request needs (the bank scheduler's): ACT, PRE and the reads and writes.
inline bool is_bank_command(Cmd c) { return c <= Cmd::WRA && c != Cmd::PREA; }
// Commands addressed to a whole rank (they constrain all its banks alike).
inline bool is_rank_wide(Cmd c) {
  return c == Cmd::PREA || c == Cmd::REF || c == Cmd::PDE || c == Cmd::PDX || c == Cmd::SRE ||
         c == Cmd::SRX;
}

enum class Level : uint8_t { kChannel, kRank, kBankGroup, kBank };
constexpr size_t kNumLevels = 4;

// After `prev` issues to a node at `level`, `next` to the same node (or, with `sibling`, to
// the other nodes of that level under the same parent) waits `latency` cycles; with
// `window` > 1 the wait counts from the window-th most recent `prev` (tFAW).
struct Rule {
  Level level;
  Cmd prev;
  Cmd next;
  uint32_t latency;
  uint8_t window = 1;
  bool sibling = false;
};

std::vector<Rule> build_rules(const Device& device);

// Earliest issue time of every command at every node of one channel.
class TimingState {
 public:
  TimingState(const Device& device, const std::vector<Rule>& rules);

  // Earliest cycle `cmd` may issue to (rank, bankgroup, bank); bank is the flat index within
  // the rank (bankgroup * banks_per_group + bank in group). Rank-wide commands ignore bank.
  uint64_t earliest(Cmd cmd, uint32_t rank, uint32_t bank) const {
    const uint64_t t = shared_earliest(cmd, rank);
    return is_rank_wide(cmd) ? t : std::max(t, local_earliest(cmd, rank, bank));
  }
  // earliest() split by who owns the constraint: the channel and rank (every bank of the rank
  // sees it) and the bank group and bank (changed only by commands to that group, or by
  // rank-wide commands). The controller caches the second per bank.
  uint64_t shared_earliest(Cmd cmd, uint32_t rank) const {
    const size_t c = static_cast<size_t>(cmd);
    return std::max(channel_row()[c], rank_row(rank)[c]);
  }
  uint64_t local_earliest(Cmd cmd, uint32_t rank, uint32_t bank) const {
    return local_earliest(cmd, rank * banks_per_rank_ + bank);
  }
  // The same by the bank's index within the channel (rank * banks per rank + bank).
  uint64_t local_earliest(Cmd cmd, size_t flat) const {
    const size_t c = static_cast<size_t>(cmd);
    return std::max(group_row(flat)[c], row(base_[kBankLevel] + flat)[c]);
  }

  // The channel's and a rank's constraints by command, in Cmd order (for scanning many banks).
  const uint64_t* channel_row() const { return row(0); }
  const uint64_t* rank_row(uint32_t rank) const { return row(base_[kRankLevel] + rank); }
  // The constraints of the bank group holding bank `flat` (index within the channel).
  const uint64_t* group_row(size_t flat) const { return row(base_[kGroupLevel] + group_of_[flat]); }

  void issue(Cmd cmd, uint32_t rank, uint32_t bank, uint64_t now);
  // Whether issuing `cmd` (not rank-wide) may move its bank group's constraints.
  bool constrains_group(Cmd cmd) const {
    const size_t c = static_cast<size_t>(cmd);
    return !plain_[kGroupLevel][c].empty() || !special_[kGroupLevel][c].empty();
  }

 private:
  static constexpr size_t kRankLevel = static_cast<size_t>(Level::kRank),
                          kGroupLevel = static_cast<size_t>(Level::kBankGroup),
                          kBankLevel = static_cast<size_t>(Level::kBank);
  // Most rules: `next` at the same node waits `latency` after `prev`.
  struct Plain {
    uint32_t next;
    uint32_t latency;
  };
  // A plain rule resolved for one bank: times_[index] waits `latency` after the command.
  struct Target {
    uint32_t index;
    uint32_t latency;
  };
  // The others: on the other nodes of the level (sibling ranks), or counted from the
  // window-th most recent `prev` (tFAW).
  struct Special {
    Cmd next;
    uint32_t latency;
    uint8_t window;
    bool sibling;
    size_t history;  // index of the rule among windowed rules
  };
  // The last `window` issue times of a windowed rule at one node, oldest at `head`.
  struct Window {
    static constexpr size_t kMax = 8;
    std::array<uint64_t, kMax> times{};
    uint8_t size = 0, head = 0;
    // Records an issue at `now` (a ring: no division, this runs for every ACT). Once `window`
    // issues are recorded, sets `oldest` to the window-th most recent (this one included).
    bool record(uint64_t now, uint8_t window, uint64_t& oldest) {
      if (size < window) {
        const size_t slot = head + size;
        times[slot < window ? slot : slot - window] = now;
        if (++size < window) return false;
      } else {
        times[head] = now;
        head = static_cast<uint8_t>(head + 1 == window ? 0 : head + 1);
      }
      oldest = times[head];
      return true;
    }
  };
  // A windowed rule resolved for one bank: history_[history] records the command, and
  // times_[index] waits `latency` after the window-th most recent one.
  struct WindowedTarget {
    uint32_t history;
    uint32_t index;
    uint32_t latency;
    uint8_t window;
  };
  // Node n's earliest times by command: the channel (node 0), then the ranks, the bank groups
  // and the banks (base_ by level).
  const uint64_t* row(size_t node) const { return times_.data() + node * kNumCmds; }
  uint64_t* row(size_t node) { return times_.data() + node * kNumCmds; }
  // `node` and its siblings are indices within the level.
  void apply(size_t level, size_t prev, size_t node, size_t siblings, uint64_t now);
  void apply_special(size_t level, size_t prev, size_t node, size_t siblings, uint64_t now);
  void apply_siblings(size_t level, size_t prev, size_t node, size_t siblings, uint64_t now);

  uint32_t ranks_count_, groups_per_rank_, banks_per_group_, banks_per_rank_;
  std::array<size_t, kNumLevels> base_{};  // the first node of each level
  std::vector<uint64_t> times_;
  std::vector<uint32_t> group_of_;  // flat bank index -> flat bank-group index (no division)
  // by level and prev command
  std::array<std::array<std::vector<Plain>, kNumCmds>, kNumLevels> plain_;
  std::array<std::array<std::vector<Special>, kNumCmds>, kNumLevels> special_;
  // The plain rules of a command to one bank, every level resolved to an index into times_:
  // targets_[targets_begin_[flat * kNumCmds + cmd] ..  targets_begin_[... + 1]).
  std::vector<Target> targets_;
  std::vector<uint32_t> targets_begin_;
  // The same for windowed rules (tFAW).
  std::vector<WindowedTarget> windowed_;
  std::vector<uint32_t> windowed_begin_;
  // By prev command: whether it constrains the other ranks (sibling rules exist only between
  // ranks; the constructor checks).
  std::array<bool, kNumCmds> rank_siblings_{};
  size_t windowed_rules_ = 0;
  std::vector<Window> history_;  // [node index at level * windowed + rule]
  std::array<size_t, kNumLevels> level_nodes_{};
};

}  // namespace accelgym::dram
