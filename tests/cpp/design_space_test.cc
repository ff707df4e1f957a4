#include "sim/core/design_space.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "models/spaces.h"
#include "sim/core/errors.h"
#include "sim/core/param.h"
#include "sim/core/proto_io.h"

namespace accelgym {
namespace {

DesignSpace make(const std::vector<v1::Dimension>& dims, const std::string& name = "test") {
  v1::DesignSpaceSpec spec;
  spec.set_name(name);
  for (const auto& d : dims) *spec.add_dimensions() = d;
  return DesignSpace(spec, name);
}

// ArchGym's DRAM controller knobs and value sets (docs/reference/gyms.md).
DesignSpace archgym_dram_space() {
  return make({
      Param::categorical("PagePolicy", {"Open", "OpenAdaptive", "Closed", "ClosedAdaptive"})
          .group("dram"),
      Param::categorical("Scheduler", {"Fifo", "FrFcfsGrp", "FrFcfs"}).group("dram"),
      Param::categorical("SchedulerBuffer", {"Bankwise", "ReadWrite", "Shared"}).group("dram"),
      Param::pow2("RequestBufferSize", 1, 128).group("dram"),
      Param::categorical("RespQueue", {"Fifo", "Reorder"}).group("dram"),
      Param::categorical("RefreshPolicy", {"NoRefresh", "AllBank"}).group("dram"),
      Param::pow2("RefreshMaxPostponed", 1, 8).group("dram"),
      Param::pow2("RefreshMaxPulledin", 1, 8).group("dram"),
      Param::categorical("Arbiter", {"Simple", "Fifo", "Reorder"}).group("dram"),
      Param::pow2("MaxActiveTransactions", 1, 128).group("dram"),
  });
}

// dataflow {os, ws, is}; preload 1..4 only when ws; depth {2, 4} only when preload is active.
DesignSpace conditional_space() {
  return make({
      Param::categorical("dataflow", {"os", "ws", "is"}).group("compute"),
      Param::integer("preload", 1, 4).group("compute").when("dataflow", {"ws"}),
      Param::categorical("mode", {"a", "b"}).group("compute").when("dataflow", {"ws", "is"}),
      Param::integer_set("depth", {2, 4}).group("memory").when("mode", {"b"}),
  });
}

TEST(DesignSpace, SizeOfArchGymDramSpaceIs442368) {
  EXPECT_EQ(archgym_dram_space().size(), 442368.0);
}

TEST(DesignSpace, SizeOfBuiltinSystolicSpace) {
  // rows 8 x cols 8 x dataflow 3 x precision 5 x clock 6 x three SRAMs of 1..4096 KiB x node 10.
  EXPECT_EQ(make_space("systolic").size(), 8.0 * 8 * 3 * 5 * 6 * 4096.0 * 4096 * 4096 * 10);
}

TEST(DesignSpace, ConditionalDimensionsCountOnlyWhereActive) {
  // os: 1; ws: preload 4 x (mode a: 1 + mode b: depth 2) = 12; is: mode a 1 + mode b 2 = 3.
  EXPECT_EQ(conditional_space().size(), 16.0);
}

TEST(DesignSpace, ExhaustiveCanonicalEnumerationMatchesSize) {
  const DesignSpace space = conditional_space();
  std::set<IndexVector> distinct;
  IndexVector p(space.num_dimensions(), 0);
  const auto card = space.cardinalities();
  while (true) {
    distinct.insert(space.canonical(p));
    size_t d = 0;
    while (d < p.size() && ++p[d] == card[d]) p[d++] = 0;
    if (d == p.size()) break;
  }
  EXPECT_EQ(static_cast<double>(distinct.size()), space.size());
}

TEST(DesignSpace, DecodeOmitsInactiveDimensionsAndEncodeRoundTrips) {
  const DesignSpace space = conditional_space();
  const IndexVector os = {0, 3, 1, 1};
  const ParamMap values = space.decode(os);
  EXPECT_EQ(values.values().size(), 1u);
  EXPECT_EQ(values.get_string("dataflow"), "os");
  EXPECT_EQ(space.encode(values), space.canonical(os));
  EXPECT_EQ(space.canonical(os), (IndexVector{0, 0, 0, 0}));

  const IndexVector ws = {1, 2, 1, 1};
  const ParamMap wv = space.decode(ws);
  EXPECT_EQ(wv.get_int("preload"), 3);
  EXPECT_EQ(wv.get_string("mode"), "b");
  EXPECT_EQ(wv.get_int("depth"), 4);
  EXPECT_EQ(space.encode(wv), ws);
}

TEST(DesignSpace, ValueForInactiveDimensionIsRejected) {
  const DesignSpace space = conditional_space();
  ParamMap values;
  values.set("dataflow", std::string("os"));
  values.set("preload", int64_t{2});
  try {
    space.encode(values, "point.json");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("point.json"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("preload"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("inactive"), std::string::npos);
  }
}

TEST(DesignSpace, UnknownParameterAndOutsideValueNameTheField) {
  const DesignSpace space = make_space("systolic");
  ParamMap unknown;
  unknown.set("rowz", int64_t{32});
  try {
    space.encode(unknown, "cfg.json");
    FAIL();
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("cfg.json"), std::string::npos);
    EXPECT_NE(msg.find("unknown parameter 'rowz'"), std::string::npos);
  }
  ParamMap outside;
  outside.set("rows", int64_t{48});
  try {
    space.encode(outside, "cfg.json");
    FAIL();
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("field 'rows'"), std::string::npos);
    EXPECT_NE(msg.find("'48' is outside the space"), std::string::npos);
  }
  EXPECT_THROW(space.decode(IndexVector(space.num_dimensions(), 99)), InputError);
  EXPECT_THROW(space.decode(IndexVector(2, 0)), InputError);
}

TEST(DesignSpace, ParseValueChecksTypeAndMembership) {
  const DesignSpace space = make_space("systolic");
  const size_t rows = space.index_of("rows");
  EXPECT_EQ(std::get<int64_t>(space.parse_value(rows, "64")), 64);
  EXPECT_THROW(space.parse_value(rows, "64x"), InputError);
  EXPECT_THROW(space.parse_value(rows, "abc"), InputError);
  EXPECT_THROW(space.parse_value(rows, "63"), InputError);
  const size_t df = space.index_of("dataflow");
  EXPECT_EQ(std::get<std::string>(space.parse_value(df, "ws")), "ws");
  EXPECT_THROW(space.parse_value(df, "rs"), InputError);
}

TEST(DesignSpace, SamplingIsSeededCanonicalAndCoversValues) {
  const DesignSpace space = conditional_space();
  Rng a(7), b(7), c(8);
  std::vector<IndexVector> sa, sb, sc;
  for (int i = 0; i < 200; ++i) {
    sa.push_back(space.sample(a));
    sb.push_back(space.sample(b));
    sc.push_back(space.sample(c));
  }
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, sc);
  std::map<uint32_t, int> dataflow_counts;
  Rng r(1);
  for (int i = 0; i < 3000; ++i) {
    const IndexVector p = space.sample(r);
    EXPECT_EQ(p, space.canonical(p));
    ++dataflow_counts[p[0]];
  }
  for (uint32_t v = 0; v < 3; ++v) {
    EXPECT_GT(dataflow_counts[v], 850);  // expected 1000 each
    EXPECT_LT(dataflow_counts[v], 1150);
  }
}

TEST(DesignSpace, RngIsPortableBitForBit) {
  // xoshiro256** seeded by splitmix64(0): fixed values, the same on every platform.
  Rng r(0);
  const uint64_t first = r.next_u64();
  Rng again(0);
  EXPECT_EQ(first, again.next_u64());
  Rng u(42);
  for (int i = 0; i < 1000; ++i) {
    const double x = u.uniform01();
    ASSERT_GE(x, 0.0);
    ASSERT_LT(x, 1.0);
    ASSERT_LT(u.uniform(7), 7u);
  }
}

TEST(DesignSpace, NeighboursStepOrdinalsAndSwapCategoricals) {
  const DesignSpace space = make_space("systolic");
  const IndexVector p = space.default_point();
  const auto n = space.neighbours(p);
  // rows 32 and cols 32: 2 each; dataflow os: 2 others; precision int8 (first): 4 others;
  // clock 1000 (index 3 of 6): 2; SRAMs 64 KiB (index 3 of 10): 2 each; node 45 (index 8): 2.
  EXPECT_EQ(n.size(), 2u + 2 + 2 + 4 + 2 + 2 + 2 + 2 + 2);
  for (const auto& q : n) {
    int differing = 0;
    for (size_t d = 0; d < p.size(); ++d) differing += p[d] != q[d];
    EXPECT_EQ(differing, 1);
  }
  // At the lower bound an ordinal has one neighbour.
  IndexVector low = p;
  low[space.index_of("rows")] = 0;
  int rows_moves = 0;
  for (const auto& q : space.neighbours(low)) rows_moves += q[0] != low[0];
  EXPECT_EQ(rows_moves, 1);
}

TEST(DesignSpace, ConstraintsAreCheckedByName) {
  DesignSpace space = make_space("systolic");
  space.add_constraint("max_pes", "rows * cols <= 4096", [](const ParamMap& v) {
    const auto pes = v.get_int("rows") * v.get_int("cols");
    return pes <= 4096 ? std::nullopt
                       : std::optional<std::string>(std::to_string(pes) + " PEs > 4096");
  });
  ParamMap big;
  big.set("rows", int64_t{128});
  big.set("cols", int64_t{64});
  const IndexVector p = space.encode(big);
  try {
    space.validate(p);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("max_pes"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("8192 PEs"), std::string::npos);
  }
  EXPECT_NO_THROW(space.validate(space.default_point()));
  EXPECT_EQ(space.spec().constraints_size(), 1);
}

TEST(DesignSpace, RestrictionNarrowsValuesAndKeepsConstraints) {
  DesignSpace space = make_space("systolic");
  space.add_constraint("never", "always holds", [](const ParamMap&) { return std::nullopt; });
  v1::SpaceRestriction r;
  parse_json(R"({"dimensions": {
      "rows": {"values": [16, 32]},
      "cols": {"min": 64, "max": 256},
      "dataflow": {"fixed": "ws"},
      "precision": {"fixed": "int8"},
      "clock_mhz": {"fixed": 1000},
      "ifmap_sram_kb": {"fixed": 64}, "filter_sram_kb": {"fixed": 64},
      "ofmap_sram_kb": {"fixed": 64}, "tech_node_nm": {"fixed": 45}}})",
             "restrict.json", &r);
  const DesignSpace narrowed = space.restricted(r, "restrict.json");
  EXPECT_EQ(narrowed.size(), 2.0 * 3);  // rows {16, 32} x cols {64, 128, 256}
  EXPECT_EQ(narrowed.decode(narrowed.default_point()).get_string("dataflow"), "ws");
  EXPECT_EQ(narrowed.decode(narrowed.default_point()).get_int("cols"), 64);  // 32 is gone
  EXPECT_EQ(narrowed.spec().constraints_size(), 1);

  v1::SpaceRestriction bad;
  parse_json(R"({"dimensions": {"rowz": {"fixed": 4}}})", "bad.json", &bad);
  try {
    space.restricted(bad, "bad.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.json"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("rowz"), std::string::npos);
  }
  v1::SpaceRestriction empty;
  parse_json(R"({"dimensions": {"rows": {"min": 1000}}})", "empty.json", &empty);
  EXPECT_THROW(space.restricted(empty, "empty.json"), InputError);
}

TEST(DesignSpace, SpecValidationRejectsBadDeclarations) {
  EXPECT_THROW(make({Param::integer("a", 1, 4).group("g"), Param::integer("a", 1, 4).group("g")}),
               InputError);
  EXPECT_THROW(make({Param::integer("a", 1, 4)}), InputError);  // no group
  EXPECT_THROW(make({Param::integer("a", 1, 4).group("g").def(9)}), InputError);
  EXPECT_THROW(make({Param::pow2("a", 3, 16).group("g")}), InputError);
  EXPECT_THROW(make({Param::integer("a", 1, 4).group("g").when("b", {"x"}),
                     Param::categorical("b", {"x"}).group("g")}),
               InputError);  // condition on a later dimension
  EXPECT_THROW(make({Param::real("r", 1.0, 1.0, 3).group("g")}), InputError);
}

TEST(DesignSpace, RealDimensionsAreGridded) {
  const DesignSpace space = make({Param::real("ratio", 0.0, 1.0, 5).group("g").def(0.5)});
  EXPECT_EQ(space.size(), 5.0);
  EXPECT_DOUBLE_EQ(std::get<double>(space.value(0, 3)), 0.75);
  EXPECT_EQ(space.default_index(0), 2u);
  EXPECT_EQ(std::get<double>(space.parse_value(0, "0.25")), 0.25);
  EXPECT_THROW(space.parse_value(0, "0.3"), InputError);
}

TEST(DesignSpace, ProtoPointRoundTripThroughJson) {
  const DesignSpace space = make_space("systolic");
  v1::DesignPoint point;
  parse_json(R"({"values": {"rows": 64, "dataflow": "is", "tech_node_nm": 7}})", "p.json", &point);
  const IndexVector p = space.from_proto(point, "p.json");
  const ParamMap v = space.decode(p);
  EXPECT_EQ(v.get_int("rows"), 64);
  EXPECT_EQ(v.get_string("dataflow"), "is");
  EXPECT_EQ(v.get_int("cols"), 32);  // default
  EXPECT_EQ(space.from_proto(space.to_proto(p)), p);

  v1::DesignPoint wrong_type;
  parse_json(R"({"values": {"rows": "big"}})", "p.json", &wrong_type);
  EXPECT_THROW(space.from_proto(wrong_type, "p.json"), InputError);
}

TEST(DesignSpace, GroupsInDeclarationOrder) {
  const DesignSpace space = make_space("systolic");
  EXPECT_EQ(space.groups(), (std::vector<std::string>{"compute", "memory", "technology"}));
  EXPECT_EQ(space.dimensions_in_group("memory").size(), 3u);
}

}  // namespace
}  // namespace accelgym
