#include "models/dram/timing.h"

#include <algorithm>

#include "sim/core/errors.h"

namespace accelgym::dram {

const char* cmd_name(Cmd cmd) {
  static const char* const names[kNumCmds] = {"ACT", "PRE",   "PREA", "RD",  "WR",  "RDA", "WRA",
                                              "REF", "REFPB", "PDE",  "PDX", "SRE", "SRX"};
  return names[static_cast<size_t>(cmd)];
}

std::vector<Rule> build_rules(const Device& d) {
  const auto& t = d.t;
  const uint32_t bl = d.burst_cycles;
  const uint32_t write_recovery = t.cwl() + bl + t.wr();  // end of write data + tWR
  const uint32_t write_to_read_s = t.cwl() + bl + t.wtr_s();
  const uint32_t write_to_read_l = t.cwl() + bl + t.wtr_l();
  const uint32_t rank_write_to_read =
      t.cwl() + bl + t.rtrs() > t.cl() ? t.cwl() + bl + t.rtrs() - t.cl() : 1;
  const Cmd reads[] = {Cmd::RD, Cmd::RDA};
  const Cmd writes[] = {Cmd::WR, Cmd::WRA};
  const Cmd all[] = {Cmd::ACT, Cmd::PRE, Cmd::PREA,  Cmd::RD,  Cmd::WR, Cmd::RDA,
                     Cmd::WRA, Cmd::REF, Cmd::REFPB, Cmd::PDE, Cmd::SRE};
  std::vector<Rule> r;
  auto add = [&](Level level, Cmd prev, Cmd next, uint32_t latency, uint8_t window = 1,
                 bool sibling = false) {
    r.push_back({level, prev, next, latency, window, sibling});
  };
  auto add_group = [&](Level level, const Cmd* prevs, size_t np, const Cmd* nexts, size_t nn,
                       uint32_t latency, bool sibling = false) {
    for (size_t i = 0; i < np; ++i) {
      for (size_t j = 0; j < nn; ++j) add(level, prevs[i], nexts[j], latency, 1, sibling);
    }
  };
  using L = Level;
  // Channel: the shared data bus.
  add_group(L::kChannel, reads, 2, reads, 2, bl);
  add_group(L::kChannel, writes, 2, writes, 2, bl);
  add_group(L::kChannel, reads, 2, writes, 2, t.rtw());
  // Rank, same rank.
  add(L::kRank, Cmd::ACT, Cmd::ACT, t.rrd_s());
  if (t.faw() > 0) add(L::kRank, Cmd::ACT, Cmd::ACT, t.faw(), 4);
  add_group(L::kRank, reads, 2, reads, 2, t.ccd_s());
  add_group(L::kRank, writes, 2, writes, 2, t.ccd_s());
  add_group(L::kRank, writes, 2, reads, 2, write_to_read_s);
  // Rank, other ranks of the channel (data-bus turnaround between ranks).
  add_group(L::kRank, reads, 2, reads, 2, bl + t.rtrs(), true);
  add_group(L::kRank, writes, 2, writes, 2, bl + t.rtrs(), true);
  add_group(L::kRank, reads, 2, writes, 2, t.rtw() + t.rtrs(), true);
  add_group(L::kRank, writes, 2, reads, 2, rank_write_to_read, true);
  // Rank: all-bank precharge and refresh.
  add(L::kRank, Cmd::ACT, Cmd::PREA, t.ras());
  for (Cmd c : reads) add(L::kRank, c, Cmd::PREA, t.rtp());
  for (Cmd c : writes) add(L::kRank, c, Cmd::PREA, write_recovery);
  add(L::kRank, Cmd::PREA, Cmd::ACT, t.rp_ab());
  add(L::kRank, Cmd::PREA, Cmd::REF, t.rp_ab());
  add(L::kRank, Cmd::PRE, Cmd::REF, t.rp());
  add(L::kRank, Cmd::ACT, Cmd::REF, t.rc());
  add(L::kRank, Cmd::RDA, Cmd::REF, t.rtp() + t.rp());
  add(L::kRank, Cmd::WRA, Cmd::REF, write_recovery + t.rp());
  for (Cmd c : all) {
    if (c != Cmd::PDE) add(L::kRank, Cmd::REF, c, t.rfc());
  }
  if (d.per_bank_refresh) {
    add(L::kRank, Cmd::REFPB, Cmd::REFPB, std::max(t.rrefd(), 1u));
    add(L::kRank, Cmd::REFPB, Cmd::ACT, t.rrd_s());
    add(L::kRank, Cmd::ACT, Cmd::REFPB, t.rrd_s());
    add(L::kRank, Cmd::REFPB, Cmd::REF, t.rfc_pb());
    add(L::kRank, Cmd::REFPB, Cmd::PREA, t.rfc_pb());
  }
  // Rank: power-down entry and exit.
  add(L::kRank, Cmd::PDE, Cmd::PDX, std::max(t.cke(), 1u));
  for (Cmd c : all) add(L::kRank, Cmd::PDX, c, std::max(t.xp(), 1u));
  for (Cmd c : reads) add(L::kRank, c, Cmd::PDE, t.cl() + bl + 1);
  for (Cmd c : writes) add(L::kRank, c, Cmd::PDE, write_recovery + 1);
  for (Cmd c : {Cmd::ACT, Cmd::PRE, Cmd::PREA, Cmd::REF, Cmd::REFPB}) add(L::kRank, c, Cmd::PDE, 1);
  // Rank: self-refresh (entered from an idle rank with every bank precharged): the
  // precharges and refreshes before it complete, it lasts tCKESR, and tXS passes after its
  // exit before any command (JESD79-4 4.26).
  add(L::kRank, Cmd::PRE, Cmd::SRE, t.rp());
  add(L::kRank, Cmd::PREA, Cmd::SRE, t.rp_ab());
  // An auto-precharge starts no earlier than tRAS after its ACT: tRC from the ACT (as for
  // REF above; found by tests/cpp/dram_protocol_test.cc).
  add(L::kRank, Cmd::ACT, Cmd::SRE, t.rc());
  add(L::kRank, Cmd::RDA, Cmd::SRE, t.rtp() + t.rp());
  add(L::kRank, Cmd::WRA, Cmd::SRE, write_recovery + t.rp());
  if (d.per_bank_refresh) add(L::kRank, Cmd::REFPB, Cmd::SRE, t.rfc_pb());
  add(L::kRank, Cmd::SRE, Cmd::SRX, std::max(t.ckesr(), 1u));
  for (Cmd c : all) add(L::kRank, Cmd::SRX, c, std::max(t.xs(), 1u));
  // Bank group.
  add(L::kBankGroup, Cmd::ACT, Cmd::ACT, t.rrd_l());
  add_group(L::kBankGroup, reads, 2, reads, 2, t.ccd_l());
  add_group(L::kBankGroup, writes, 2, writes, 2, t.ccd_l());
  add_group(L::kBankGroup, writes, 2, reads, 2, write_to_read_l);
  // Bank.
  add(L::kBank, Cmd::ACT, Cmd::ACT, t.rc());
  for (Cmd c : reads) add(L::kBank, Cmd::ACT, c, t.rcd());
  for (Cmd c : writes) add(L::kBank, Cmd::ACT, c, t.rcd_wr());
  add(L::kBank, Cmd::ACT, Cmd::PRE, t.ras());
  add(L::kBank, Cmd::PRE, Cmd::ACT, t.rp());
  add(L::kBank, Cmd::RD, Cmd::PRE, t.rtp());
  add(L::kBank, Cmd::WR, Cmd::PRE, write_recovery);
  add(L::kBank, Cmd::RDA, Cmd::ACT, t.rtp() + t.rp());
  add(L::kBank, Cmd::WRA, Cmd::ACT, write_recovery + t.rp());
  if (d.per_bank_refresh) {
    add(L::kBank, Cmd::REFPB, Cmd::ACT, t.rfc_pb());
    add(L::kBank, Cmd::REFPB, Cmd::REFPB, t.rfc_pb());
    add(L::kBank, Cmd::ACT, Cmd::REFPB, t.rc());
    add(L::kBank, Cmd::PRE, Cmd::REFPB, t.rp());
    add(L::kBank, Cmd::RDA, Cmd::REFPB, t.rtp() + t.rp());
    add(L::kBank, Cmd::WRA, Cmd::REFPB, write_recovery + t.rp());
  }
  return r;
}

TimingState::TimingState(const Device& d, const std::vector<Rule>& rules)
    : ranks_count_(d.ranks),
      groups_per_rank_(d.bankgroups),
      banks_per_group_(d.banks_per_group),
      banks_per_rank_(d.banks) {
  level_nodes_ = {1, d.ranks, size_t{d.ranks} * d.bankgroups, size_t{d.ranks} * d.banks};
  for (size_t l = 1; l < kNumLevels; ++l) base_[l] = base_[l - 1] + level_nodes_[l - 1];
  times_.assign((base_[kBankLevel] + level_nodes_[kBankLevel]) * kNumCmds, 0);
  for (uint32_t flat = 0; flat < d.ranks * d.banks; ++flat) {
    group_of_.push_back(flat / d.banks * d.bankgroups + flat % d.banks / d.banks_per_group);
  }
  for (const Rule& rule : rules) {
    // Sibling rules exist only between ranks: the controller relies on a command touching no
    // other bank group's or bank's constraints (TimingState::local_earliest).
    if (rule.sibling && rule.level != Level::kRank) throw InternalError("sibling rule below rank");
    if (rule.sibling && d.ranks == 1) continue;  // no other rank to constrain
    if (rule.sibling) rank_siblings_[static_cast<size_t>(rule.prev)] = true;
    const size_t level = static_cast<size_t>(rule.level), prev = static_cast<size_t>(rule.prev);
    if (rule.window == 1 && !rule.sibling) {
      // The same plain rule twice: only the longer latency matters.
      auto& plain = plain_[level][prev];
      auto same = std::find_if(plain.begin(), plain.end(), [&](const Plain& a) {
        return a.next == static_cast<uint32_t>(rule.next);
      });
      if (same != plain.end()) {
        same->latency = std::max(same->latency, rule.latency);
      } else {
        plain.push_back({static_cast<uint32_t>(rule.next), rule.latency});
      }
      continue;
    }
    auto& special = special_[level][prev];
    if (rule.window == 1) {  // sibling: also merged with its twin
      auto same = std::find_if(special.begin(), special.end(), [&](const Special& a) {
        return a.window == 1 && a.next == rule.next;
      });
      if (same != special.end()) {
        same->latency = std::max(same->latency, rule.latency);
        continue;
      }
    }
    if (rule.window > Window::kMax) throw InternalError("timing rule window too long");
    Special a{rule.next, rule.latency, rule.window, rule.sibling, 0};
    if (rule.window > 1) a.history = windowed_rules_++;
    special.push_back(a);
  }
  // One history per windowed rule per node of the largest level it may apply to.
  history_.resize(windowed_rules_ * level_nodes_[kBankLevel]);
  targets_begin_.push_back(0);
  windowed_begin_.push_back(0);
  for (uint32_t flat = 0; flat < level_nodes_[kBankLevel]; ++flat) {
    const size_t node[kNumLevels] = {0, flat / d.banks, group_of_[flat], flat};
    for (size_t c = 0; c < kNumCmds; ++c) {
      for (size_t l = 0; l < kNumLevels && !is_rank_wide(static_cast<Cmd>(c)); ++l) {
        for (const Plain& a : plain_[l][c]) {
          const size_t index = (base_[l] + node[l]) * kNumCmds + a.next;
          targets_.push_back({static_cast<uint32_t>(index), a.latency});
        }
        for (const Special& a : special_[l][c]) {
          if (a.sibling) continue;
          const size_t index = (base_[l] + node[l]) * kNumCmds + static_cast<size_t>(a.next);
          windowed_.push_back({static_cast<uint32_t>(node[l] * windowed_rules_ + a.history),
                               static_cast<uint32_t>(index), a.latency, a.window});
        }
      }
      targets_begin_.push_back(static_cast<uint32_t>(targets_.size()));
      windowed_begin_.push_back(static_cast<uint32_t>(windowed_.size()));
    }
  }
}

void TimingState::apply(size_t level, size_t prev, size_t node, size_t siblings, uint64_t now) {
  uint64_t* times = row(base_[level] + node);
  for (const Plain& a : plain_[level][prev]) {
    times[a.next] = std::max(times[a.next], now + a.latency);
  }
  apply_special(level, prev, node, siblings, now);
}

// The level's other nodes (sibling rules exist only between ranks).
void TimingState::apply_siblings(size_t level, size_t prev, size_t node, size_t siblings,
                                 uint64_t now) {
  for (const Special& a : special_[level][prev]) {
    if (!a.sibling) continue;
    for (size_t s = 0; s < siblings; ++s) {
      uint64_t& t = row(base_[level] + s)[static_cast<size_t>(a.next)];
      if (s != node) t = std::max(t, now + a.latency);
    }
  }
}

void TimingState::apply_special(size_t level, size_t prev, size_t node, size_t siblings,
                                uint64_t now) {
  apply_siblings(level, prev, node, siblings, now);
  uint64_t* times = row(base_[level] + node);
  for (const Special& a : special_[level][prev]) {
    if (a.sibling) continue;
    const size_t next = static_cast<size_t>(a.next);
    uint64_t oldest;
    if (history_[node * windowed_rules_ + a.history].record(now, a.window, oldest)) {
      times[next] = std::max(times[next], oldest + a.latency);
    }
  }
}

void TimingState::issue(Cmd cmd, uint32_t rank, uint32_t bank, uint64_t now) {
  const size_t c = static_cast<size_t>(cmd);
  if (!is_rank_wide(cmd)) {
    // The common case, kept tight: every plain rule resolved in advance for this bank.
    const size_t flat = rank * banks_per_rank_ + bank;
    const uint32_t* span = targets_begin_.data() + flat * kNumCmds + c;
    uint64_t* times = times_.data();
    for (const Target* t = targets_.data() + span[0]; t != targets_.data() + span[1]; ++t) {
      times[t->index] = std::max(times[t->index], now + t->latency);
    }
    const uint32_t* windowed = windowed_begin_.data() + flat * kNumCmds + c;
    for (const WindowedTarget* w = windowed_.data() + windowed[0];
         w != windowed_.data() + windowed[1]; ++w) {
      uint64_t oldest;
      if (history_[w->history].record(now, w->window, oldest)) {
        times[w->index] = std::max(times[w->index], oldest + w->latency);
      }
    }
    if (rank_siblings_[c]) apply_siblings(kRankLevel, c, rank, ranks_count_, now);
    return;
  }
  apply(0, c, 0, 1, now);
  apply(kRankLevel, c, rank, ranks_count_, now);
  // A rank-wide command constrains every bank and group of the rank the same way.
  for (uint32_t g = 0; g < groups_per_rank_; ++g) {
    apply(kGroupLevel, c, rank * groups_per_rank_ + g, 0, now);
  }
  for (uint32_t b = 0; b < banks_per_rank_; ++b) {
    apply(kBankLevel, c, rank * banks_per_rank_ + b, 0, now);
  }
}

}  // namespace accelgym::dram
