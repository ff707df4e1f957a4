// The production controller (MemorySystem: event-driven, cached, vector-scanned) against the
// plain reference controller (models/dram/reference_controller.h: every bank every cycle, the
// unpruned rule table) on random configurations of the whole `dram` space and random traces:
// the same commands at the same cycles, the same responses, the same counts and energy.
// dram_protocol_test.cc checks that the commands are legal; this checks that they are the ones
// the stated policies choose. The reference itself is checked against the idle latencies
// docs/reference/dram.md derives by hand.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "models/dram/controller.h"
#include "models/dram/pump.h"
#include "models/dram/reference_controller.h"
#include "models/spaces.h"
#include "sim/core/clock.h"
#include "sim/core/rng.h"
#include "test_sampling.h"
#include "workloads/dram_trace.h"

namespace accelgym::dram {
namespace {

// MemorySystem driven as the trace driver and the accelerators drive it (RequestPump).
ReferenceRun run_production(const DramConfig& config, const std::vector<MemRequest>& requests,
                            const std::vector<uint32_t>& initiator_limits, bool deliver_lazily) {
  ReferenceRun out;
  MemorySystem sys(make_device(config), config);
  sys.record_commands(&out.commands);
  for (uint32_t i = 0; i < initiator_limits.size(); ++i) {
    if (initiator_limits[i] > 0) sys.set_initiator_limit(i, initiator_limits[i]);
  }
  sys.deliver_lazily(deliver_lazily);
  size_t next = 0;
  auto pull = [&](MemRequest& r) {
    if (next == requests.size()) return false;
    r = requests[next++];
    return true;
  };
  RequestPump pump(sys, pull, [&](const Completion& c) { out.completions.push_back(c); });
  pump.run_until([] { return false; });
  out.activity = sys.activity(pump.last_completion());
  return out;
}

std::string describe(const IssuedCommand& c) {
  return fmt::format("{} at cycle {} channel {} rank {} bank {} row {} request {}", cmd_name(c.cmd),
                     c.cycle, c.channel, c.rank, c.bank, c.row, c.cookie);
}

// The first difference between two runs, or "".
std::string difference(const ReferenceRun& production, const ReferenceRun& reference) {
  const auto& a = production.commands;
  const auto& b = reference.commands;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    const bool same = a[i].cycle == b[i].cycle && a[i].cmd == b[i].cmd &&
                      a[i].channel == b[i].channel && a[i].rank == b[i].rank &&
                      a[i].bank == b[i].bank && a[i].row == b[i].row && a[i].cookie == b[i].cookie;
    if (!same) {
      return fmt::format("command {}: production {}, reference {}", i, describe(a[i]),
                         describe(b[i]));
    }
  }
  if (a.size() != b.size()) {
    return fmt::format("production issued {} commands, reference {}", a.size(), b.size());
  }
  auto by_cookie = [](std::vector<Completion> v) {
    std::sort(v.begin(), v.end(), [](const auto& x, const auto& y) { return x.cookie < y.cookie; });
    return v;
  };
  const auto pa = by_cookie(production.completions), pb = by_cookie(reference.completions);
  if (pa.size() != pb.size()) return "different numbers of responses";
  for (size_t i = 0; i < pa.size(); ++i) {
    if (pa[i].cookie != pb[i].cookie || pa[i].cycle != pb[i].cycle ||
        pa[i].latency_ns != pb[i].latency_ns) {
      return fmt::format("request {}: production responds at cycle {}, reference at {}",
                         pa[i].cookie, pa[i].cycle, pb[i].cycle);
    }
  }
  const Activity& x = production.activity;
  const Activity& y = reference.activity;
  const std::pair<const char*, std::pair<double, double>> fields[] = {
      {"cycles", {x.cycles, y.cycles}},
      {"reads", {x.reads, y.reads}},
      {"writes", {x.writes, y.writes}},
      {"row hits", {x.row_hits, y.row_hits}},
      {"row misses", {x.row_misses, y.row_misses}},
      {"row conflicts", {x.row_conflicts, y.row_conflicts}},
      {"ACT energy", {x.act_pj, y.act_pj}},
      {"PRE energy", {x.pre_pj, y.pre_pj}},
      {"read energy", {x.read_pj, y.read_pj}},
      {"write energy", {x.write_pj, y.write_pj}},
      {"refresh energy", {x.ref_pj, y.ref_pj}},
      {"background energy", {x.background_pj, y.background_pj}}};
  for (const auto& [name, values] : fields) {
    // Energies are sums of the same terms in the same order: equal to the bit.
    if (values.first != values.second) {
      return fmt::format("{}: production {}, reference {}", name, values.first, values.second);
    }
  }
  for (size_t c = 0; c < kNumCmds; ++c) {
    if (x.commands[c] != y.commands[c]) {
      return fmt::format("{} count: production {}, reference {}", cmd_name(static_cast<Cmd>(c)),
                         x.commands[c], y.commands[c]);
    }
  }
  return "";
}

std::vector<MemRequest> requests_of(const workloads::GeneratorConfig& g, uint32_t initiators) {
  std::vector<MemRequest> out;
  auto source = workloads::generate_trace(g);
  for (workloads::TraceRequest t; source->next(t);) {
    const uint64_t index = out.size();
    out.push_back(MemRequest{t.address, t.is_write, t.time_ns,
                             static_cast<uint32_t>(index % initiators), index});
  }
  return out;
}

ParamMap default_dram(const std::string& standard) {
  const DesignSpace space = make_space("dram");
  ParamMap values;
  values.set("standard", standard);
  return space.decode(space.encode(values));
}

// The reference alone, on what docs/reference/dram.md derives by hand for DDR4-2400R: a read
// to a closed bank is served tRCD + CL + BL/2 = 36 cycles after it arrives, a row hit after
// CL + BL/2 = 20 more cycles than its command, a row conflict tRP + tRCD + CL + BL/2 = 52.
TEST(DramReference, IdleLatenciesAreTheStandardsOnDdr4) {
  const DramConfig config = dram_config(default_dram("DDR4-2400R"));
  const Device d = make_device(config);
  const AddressMap map(d, config.mapping, config.mapping_xor);
  // Two addresses in one bank, different rows: the first row's size apart is enough for the
  // default mapping (row bits on top); checked below through the decoded locations.
  const uint64_t row_bytes = d.capacity_bytes() / d.rows;
  const uint64_t same_row = 64, other_row = row_bytes;
  ASSERT_EQ(map.decode(0)->bank, map.decode(other_row)->bank);
  ASSERT_NE(map.decode(0)->row, map.decode(other_row)->row);
  ASSERT_EQ(map.decode(0)->row, map.decode(same_row)->row);
  const double later_ns = 1000;  // long after the first request is served
  const std::vector<MemRequest> requests = {{0, false, 0, 0, 0},
                                            {same_row, false, later_ns, 0, 1},
                                            {other_row, false, 2 * later_ns, 0, 2}};
  const ReferenceRun run = run_reference_controller(config, requests);
  ASSERT_EQ(run.completions.size(), 3u);
  const uint64_t arrival1 = cycles_to_edge(later_ns, d.tck_ns);
  const uint64_t arrival2 = cycles_to_edge(2 * later_ns, d.tck_ns);
  EXPECT_EQ(run.completions[0].cycle, 36u);            // closed bank
  EXPECT_EQ(run.completions[1].cycle, arrival1 + 20);  // row hit
  EXPECT_EQ(run.completions[2].cycle, arrival2 + 52);  // row conflict
  std::vector<std::string> names;
  for (const auto& c : run.commands) names.push_back(cmd_name(c.cmd));
  EXPECT_EQ(fmt::format("{}", fmt::join(names, " ")), "ACT RD RD PRE ACT RD");
  EXPECT_EQ(run.activity.row_misses, 1);
  EXPECT_EQ(run.activity.row_hits, 1);
  EXPECT_EQ(run.activity.row_conflicts, 1);
}

TEST(DramReference, ProductionControllerMatchesOnRandomConfigurationsAndTraces) {
  const int kConfigurations = std::getenv("DRAM_REFERENCE_CONFIGURATIONS")
                                  ? std::atoi(std::getenv("DRAM_REFERENCE_CONFIGURATIONS"))
                                  : 40;
  const DesignSpace space = make_space("dram");
  Rng rng(std::getenv("DRAM_REFERENCE_SEED")
              ? std::strtoull(std::getenv("DRAM_REFERENCE_SEED"), nullptr, 10)
              : 29);
  const char* patterns[] = {"random", "sequential", "mixed", "hot-row"};
  const double intervals_ns[] = {0, 2, 10, 40};
  for (int n = 0; n < kConfigurations; ++n) {
    const ParamMap values = testing_sampling::sample_valid(space, rng);
    const DramConfig config = dram_config(values);
    const auto g =
        testing_sampling::dram_traffic(config, patterns[n % 4], 1500, intervals_ns[rng.uniform(4)],
                                       500 + static_cast<uint64_t>(n));
    // Two initiators in one run in three, one of them capped below the configured limit.
    const uint32_t initiators = n % 3 == 0 ? 2 : 1;
    const std::vector<uint32_t> limits =
        initiators == 2 ? std::vector<uint32_t>{0, 3} : std::vector<uint32_t>{};
    const bool lazy = n % 2 == 1;  // the trace driver's delivery: no result may change
    SCOPED_TRACE(fmt::format("configuration {}: {}pattern {} interval {} ns, {} initiator(s){}", n,
                             testing_sampling::describe(values), g.pattern, g.interval_ns,
                             initiators, lazy ? ", lazy delivery" : ""));
    const auto requests = requests_of(g, initiators);
    const ReferenceRun reference = run_reference_controller(config, requests, limits);
    const ReferenceRun production = run_production(config, requests, limits, lazy);
    ASSERT_EQ(reference.completions.size(), requests.size());
    EXPECT_EQ(difference(production, reference), "");
  }
}

// The comparison must see a difference: a run against itself with one command moved.
TEST(DramReference, TheComparisonSeesADifference) {
  const DramConfig config = dram_config(default_dram("DDR4-2400R"));
  workloads::GeneratorConfig g;
  g.pattern = "random";
  g.count = 300;
  const auto requests = requests_of(g, 1);
  const ReferenceRun reference = run_reference_controller(config, requests);
  ASSERT_EQ(difference(reference, reference), "");
  ReferenceRun moved = reference;
  moved.commands[10].cycle += 1;
  EXPECT_NE(difference(moved, reference), "");
  ReferenceRun later = reference;
  later.completions[5].cycle += 1;
  EXPECT_NE(difference(later, reference), "");
  ReferenceRun costlier = reference;
  costlier.activity.background_pj *= 1 + 1e-15;
  EXPECT_NE(difference(costlier, reference), "");
}

}  // namespace
}  // namespace accelgym::dram
