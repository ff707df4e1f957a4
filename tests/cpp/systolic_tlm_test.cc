// The SystemC composition (accelerator module -> TLM-2.0 -> DRAM target) gives the same
// cycles and DRAM traffic as the in-process engine of simulate_systolic.
#include <gtest/gtest.h>

#include "models/accel/engine.h"
#include "models/accel/global_buffer_module.h"
#include "models/accel/systolic_module.h"
#include "models/accel/systolic_tlm.h"
#include "models/dram/dram_tlm.h"
#include "models/spaces.h"
#include "sim/core/errors.h"
#include "sim/core/rng.h"
#include "sim/env/registry.h"
#include "sim/kernel/sim_kernel.h"
#include "test_layers.h"
#include "test_sampling.h"
#include "workloads/network_zoo.h"

namespace accelgym::accel {
namespace {

using testing_layers::gemm_layer;

v1::Layer conv() {
  v1::Layer l = testing_layers::conv_layer(28, 28, 3, 3, 32, 64, 1);
  l.set_pad_h(1);
  l.set_pad_w(1);
  return l;
}

// Returns the in-process engine's stall cycles.
uint64_t expect_same_params(const ParamMap& params) {
  const auto config = compute::systolic_config(params);
  const auto dram = dram::dram_config(params);
  v1::Network net;
  *net.add_layers() = gemm_layer(512, 256, 384, "fc");
  *net.add_layers() = conv();
  *net.add_layers() = gemm_layer(64, 1024, 128, "proj");
  const auto tech = energy::Technology::builtin();
  const auto direct = simulate_systolic(net, config, parse_memory_mode("dram-exact"), tech, &dram);
  const auto tlm = simulate_systolic_tlm(net, config, tech, dram);
  if (direct.layers_size() != tlm.layers_size()) {
    ADD_FAILURE() << "layers: " << direct.layers_size() << " vs " << tlm.layers_size();
    return 0;
  }
  auto same_time = [](uint64_t a, uint64_t b) { EXPECT_EQ(a, b); };
  for (int i = 0; i < direct.layers_size(); ++i) {
    SCOPED_TRACE(direct.layers(i).name());
    same_time(direct.layers(i).total_cycles(), tlm.layers(i).total_cycles());
    same_time(direct.layers(i).stall_cycles(), tlm.layers(i).stall_cycles());
    EXPECT_EQ(direct.layers(i).dram_ifmap_reads(), tlm.layers(i).dram_ifmap_reads());
    EXPECT_EQ(direct.layers(i).dram_ofmap_writes(), tlm.layers(i).dram_ofmap_writes());
  }
  same_time(direct.total().cycles(), tlm.total().cycles());
  EXPECT_EQ(direct.dram().reads(), tlm.dram().reads());
  EXPECT_EQ(direct.dram().writes(), tlm.dram().writes());
  same_time(direct.dram().total_cycles(), tlm.dram().total_cycles());
  EXPECT_EQ(direct.dram().row_hits(), tlm.dram().row_hits());
  EXPECT_NEAR(direct.dram().energy_pj(), tlm.dram().energy_pj(), 1e-6 * direct.dram().energy_pj());
  return direct.total().stall_cycles();
}

// An accel-space design: the defaults with `sets` applied.
ParamMap accel_design(const std::vector<std::pair<std::string, std::string>>& sets) {
  const DesignSpace space = make_space("accel");
  ParamMap values;
  for (const auto& [k, v] : sets) values.set(k, space.parse_value(space.index_of(k), v));
  return space.decode(space.encode(values));
}

// What a SystemC top of one's own is built from: an accel-space design's parts.
struct TopInputs {
  compute::SystolicConfig config;
  dram::DramConfig dram_config;
  dram::Device device;
  energy::Technology tech;
};
TopInputs top_inputs(const std::vector<std::pair<std::string, std::string>>& sets) {
  const ParamMap design = accel_design(sets);
  const dram::DramConfig dram_config = dram::dram_config(design);
  return {compute::systolic_config(design), dram_config, dram::make_device(dram_config),
          energy::Technology::builtin()};
}

void expect_same(const std::vector<std::pair<std::string, std::string>>& sets) {
  // The DRAM matters in these configurations.
  EXPECT_GT(expect_same_params(accel_design(sets)), 0u);
}

TEST(SystolicTlm, SameAsInProcessEngine) { expect_same({{"rows", "16"}, {"cols", "16"}}); }

// Clock periods that are not whole picoseconds (1.333 ns, 0.667 ns).
TEST(SystolicTlm, SameAtClocksOffTheNanosecondGrid) {
  for (const char* mhz : {"750", "1500"}) {
    SCOPED_TRACE(mhz);
    expect_same({{"rows", "16"}, {"cols", "16"}, {"clock_mhz", mhz}});
    expect_same({{"rows", "32"}, {"cols", "8"}, {"clock_mhz", mhz}, {"dataflow", "ws"}});
  }
}

TEST(SystolicTlm, SameWithLayerOverlap) {
  expect_same({{"rows", "16"}, {"cols", "16"}, {"layer_overlap", "on"}});
}

TEST(SystolicTlm, SameWithGlobalBuffer) {
  expect_same({{"rows", "16"},
               {"cols", "16"},
               {"global_buffer_kb", "1024"},
               {"ifmap_sram_kb", "8"},
               {"filter_sram_kb", "8"}});
}

TEST(SystolicTlm, SameUnderBackPressure) {
  // A small request buffer and a big array: the target withholds END_REQ.
  expect_same(
      {{"rows", "128"}, {"cols", "128"}, {"RequestBufferSize", "1"}, {"ifmap_sram_kb", "8"}});
}

// Designs drawn at random (seeded) from the whole accel space: array, dataflow, scratchpads,
// banks, global buffer, overlap, clock, DRAM standard and controller together. Everything is
// exact: times cross between the accelerator's and the DRAM's clocks in double nanoseconds in
// one engine and in SystemC time in the other, and both round to cycles with the edge rule of
// sim/core/clock.h (before it, a layer could differ by a cycle at 750 and 1500 MHz).
TEST(SystolicTlm, SameOnRandomDesigns) {
  const DesignSpace space = make_space("accel");
  Rng rng(3);
  for (int compared = 0; compared < 6; ++compared) {
    const ParamMap params = testing_sampling::sample_valid(space, rng);
    SCOPED_TRACE(testing_sampling::describe(params));
    expect_same_params(params);
  }
}

// The accelerator module in a top of one's own: it does not stop the simulation, a watcher
// waiting for its done event does; the report equals the packaged composition's.
class Watcher : public sc_core::sc_module {
 public:
  Watcher(sc_core::sc_module_name name, const SystolicAccelerator& accelerator)
      : sc_module(name), accelerator_(accelerator) {
    SC_HAS_PROCESS(Watcher);
    SC_THREAD(run);
  }
  double done_ns = -1;

 private:
  void run() {
    if (!accelerator_.done()) wait(accelerator_.done_event());
    done_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
    sc_core::sc_stop();
  }
  const SystolicAccelerator& accelerator_;
};

TEST(SystolicTlm, ModuleComposesInATopOfOnesOwn) {
  const auto& [config, dram_config, device, tech] = top_inputs({{"rows", "16"}, {"cols", "16"}});
  v1::Network net;
  *net.add_layers() = conv();
  *net.add_layers() = gemm_layer(64, 1024, 128, "proj");
  v1::SimReport report;
  v1::DramReport dram_report;
  double done_ns = 0;
  {
    kernel::Session session;
    auto& memory = session.make<dram::DramTarget>("dram", device, dram_config);
    auto& accelerator = session.make<SystolicAccelerator>(
        "accelerator", net, config, tech, device.capacity_bytes(), device.access_bytes,
        SystolicAccelerator::Options{.stop_simulation_when_done = false});
    auto& watcher = session.make<Watcher>("watcher", accelerator);
    accelerator.socket.bind(memory.socket);
    session.run();
    ASSERT_TRUE(accelerator.done());
    report = accelerator.report();
    dram_report = memory.report();
    done_ns = watcher.done_ns;
  }
  finish_report(report, config, tech, &dram_report);
  const auto packaged = simulate_systolic_tlm(net, config, tech, dram_config);
  EXPECT_EQ(report.total().cycles(), packaged.total().cycles());
  EXPECT_EQ(report.total().stall_cycles(), packaged.total().stall_cycles());
  EXPECT_GT(report.total().stall_cycles(), 0u);
  EXPECT_EQ(report.dram().reads(), packaged.dram().reads());
  EXPECT_EQ(report.dram().writes(), packaged.dram().writes());
  EXPECT_EQ(report.total().energy_pj(), packaged.total().energy_pj());
  EXPECT_GE(done_ns, dram_report.total_time_ns() - 1e-6);  // done once the last drain landed
}

// accel-v0 with engine=systemc: the SystemC composition behind the env (a program that links
// the SystemC layer provides it), the same metrics as the direct engine simulating every fold.
TEST(SystolicTlm, AccelEnvRunsOnTheSystemcEngine) {
  provide_systemc_engine([] {
    return SystemcEngine{&simulate_systolic_tlm, &simulate_hetero_tlm};
  });
  // The errors first: an exception thrown after SystemC has switched stacks is reported falsely
  // by AddressSanitizer (docs/ROBUSTNESS.md).
  EXPECT_THROW(env::make_env("accel-v0", {{"engine", "systemc"}, {"memory", "ideal"}}), InputError);
  auto on_systemc = env::make_env("accel-v0", {{"engine", "systemc"}, {"workload", "conv_test"}});
  auto direct = env::make_env("accel-v0", {{"memory", "dram-exact"}, {"workload", "conv_test"}});
  const DesignSpace& space = on_systemc->space();
  Rng rng(5);
  int evaluated = 0;
  for (int n = 0; n < 4; ++n) {
    const IndexVector point = space.sample(rng);
    const v1::Evaluation on = on_systemc->evaluate(point);
    if (on.status() != v1::Evaluation::OK) continue;  // outside a constraint
    ++evaluated;
    const v1::Metrics a = on.metrics();
    const v1::Metrics b = direct->evaluate(point).metrics();
    EXPECT_EQ(a.latency_ns(), b.latency_ns());
    EXPECT_EQ(a.energy_pj(), b.energy_pj());
    EXPECT_EQ(a.area_mm2(), b.area_mm2());
  }
  EXPECT_GE(evaluated, 2);
}

// hetero-v0 with engine=systemc: the sub-accelerators as SystemC modules; the same area and
// DRAM traffic as the direct engine, latency and energy close (the interconnect arbitrates
// burst by burst), and records that say which engine ran.
TEST(SystolicTlm, HeteroEnvRunsOnTheSystemcEngine) {
  provide_systemc_engine([] {
    return SystemcEngine{&simulate_systolic_tlm, &simulate_hetero_tlm};
  });
  const std::map<std::string, std::string> options = {{"workloads", "conv_test,gemm_test"}};
  std::map<std::string, std::string> systemc = options;
  systemc["engine"] = "systemc";
  auto on_systemc = env::make_env("hetero-v0", systemc);
  auto direct = env::make_env("hetero-v0", options);
  const DesignSpace& space = on_systemc->space();
  const v1::Evaluation identity = on_systemc->identity(space.default_point());
  ASSERT_EQ(identity.workloads_size(), 2);
  EXPECT_EQ(identity.workloads(0).options().at("engine"), "systemc");
  EXPECT_EQ(direct->identity(space.default_point()).workloads(0).options().count("engine"), 0u);
  Rng rng(11);
  int evaluated = 0;
  for (int n = 0; n < 6 && evaluated < 3; ++n) {
    const IndexVector point = n == 0 ? space.default_point() : space.sample(rng);
    const v1::Evaluation on = on_systemc->evaluate(point);
    const v1::Evaluation d = direct->evaluate(point);
    ASSERT_EQ(on.status(), d.status());
    if (on.status() != v1::Evaluation::OK) continue;  // outside a budget
    ++evaluated;
    EXPECT_EQ(on.metrics().area_mm2(), d.metrics().area_mm2());
    EXPECT_NEAR(on.metrics().latency_ns(), d.metrics().latency_ns(),
                0.1 * d.metrics().latency_ns());
    EXPECT_NEAR(on.metrics().energy_pj(), d.metrics().energy_pj(), 0.1 * d.metrics().energy_pj());
  }
  EXPECT_GE(evaluated, 2);
}

// Sends moves to a GlobalBufferModule at given times and records when each is answered.
class MoveSender : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<MoveSender> socket;
  MoveSender(sc_core::sc_module_name name, std::vector<std::pair<double, uint32_t>> moves)
      : sc_module(name), socket("socket"), moves_(std::move(moves)), payloads_(moves_.size()) {
    socket.register_nb_transport_bw(this, &MoveSender::backward);
    SC_HAS_PROCESS(MoveSender);
    SC_THREAD(run);
  }
  std::vector<double> answered_ns;

 private:
  void run() {
    for (size_t i = 0; i < moves_.size(); ++i) {
      const double now = sc_core::sc_time_stamp().to_seconds() * 1e9;
      if (moves_[i].first > now) sc_core::wait(moves_[i].first - now, sc_core::SC_NS);
      tlm::tlm_generic_payload& p = payloads_[i];
      p.set_command(tlm::TLM_READ_COMMAND);
      p.set_data_length(moves_[i].second);
      tlm::tlm_phase phase = tlm::BEGIN_REQ;
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      EXPECT_EQ(socket->nb_transport_fw(p, phase, delay), tlm::TLM_UPDATED);  // taken at once
      EXPECT_EQ(phase, tlm::END_REQ);
    }
  }
  tlm::tlm_sync_enum backward(tlm::tlm_generic_payload&, tlm::tlm_phase& phase, sc_core::sc_time&) {
    EXPECT_EQ(phase, tlm::BEGIN_RESP);
    answered_ns.push_back(sc_core::sc_time_stamp().to_seconds() * 1e9);
    return tlm::TLM_COMPLETED;
  }
  std::vector<std::pair<double, uint32_t>> moves_;
  std::vector<tlm::tlm_generic_payload> payloads_;
};

TEST(SystolicTlm, GlobalBufferModuleQueuesMovesOnItsPort) {
  // 2-byte words, 16 words a cycle of 1 ns: 128 bytes (64 words) take 4 ns. Two at 0 queue on
  // the port (4, 8 ns); one at 20 ns finds it free (20 + 1 ns for 40 bytes, 20 words rounded
  // up to 2 cycles: 22 ns).
  {
    kernel::Session bad;  // before any simulation ran here (docs/ROBUSTNESS.md)
    EXPECT_THROW(bad.make<GlobalBufferModule>("buffer", 2, 0, 1.0), InputError);
  }
  kernel::Session session;
  auto& buffer = session.make<GlobalBufferModule>("buffer", 2, 16, 1.0);
  auto& sender = session.make<MoveSender>(
      "sender", std::vector<std::pair<double, uint32_t>>{{0, 128}, {0, 128}, {20, 40}});
  sender.socket.bind(buffer.socket);
  session.run();
  ASSERT_EQ(sender.answered_ns.size(), 3u);
  EXPECT_NEAR(sender.answered_ns[0], 4.0, 1e-6);
  EXPECT_NEAR(sender.answered_ns[1], 8.0, 1e-6);
  EXPECT_NEAR(sender.answered_ns[2], 22.0, 1e-6);
  EXPECT_EQ(buffer.words_read(), 64u + 64u + 20u);
}

TEST(SystolicTlm, GlobalBufferModuleInATopOfOnesOwn) {
  // Accelerator, global buffer and DRAM bound by hand: the packaged composition's numbers, and
  // the buffer module moved what the report says stayed on chip.
  const auto& [config, dram_config, device, tech] = top_inputs({{"rows", "16"},
                                                                {"cols", "16"},
                                                                {"global_buffer_kb", "1024"},
                                                                {"ifmap_sram_kb", "8"},
                                                                {"filter_sram_kb", "8"}});
  v1::Network net;
  *net.add_layers() = gemm_layer(512, 256, 384, "fc");
  *net.add_layers() = gemm_layer(64, 1024, 128, "proj");
  v1::SimReport report;
  uint64_t read = 0, written = 0;
  {
    kernel::Session session;
    auto& memory = session.make<dram::DramTarget>("dram", device, dram_config);
    auto& buffer = session.make<GlobalBufferModule>("buffer", word_bytes(config, tech),
                                                    config.global_buffer_words_per_cycle,
                                                    1000.0 / static_cast<double>(config.clock_mhz));
    auto& accelerator = session.make<SystolicAccelerator>(
        "accelerator", net, config, tech, device.capacity_bytes(), device.access_bytes);
    accelerator.socket.bind(memory.socket);
    accelerator.global_buffer_socket.bind(buffer.socket);
    session.run();
    report = accelerator.report();
    read = buffer.words_read();
    written = buffer.words_written();
  }
  uint64_t reported_reads = 0, reported_writes = 0;
  for (const auto& layer : report.layers()) {
    reported_reads += layer.global_buffer_reads();
    reported_writes += layer.global_buffer_writes();
  }
  EXPECT_GT(read, 0u);
  EXPECT_EQ(read, reported_reads);
  // The report's writes also count the tiles that arrive from DRAM and stay (no move on the
  // buffer's port to the scratchpads); the module sees the outputs kept for the next layer.
  EXPECT_LE(written, reported_writes);
  const auto packaged = simulate_systolic_tlm(net, config, tech, dram_config);
  EXPECT_EQ(report.layers(0).total_cycles(), packaged.layers(0).total_cycles());
  EXPECT_EQ(report.layers(1).total_cycles(), packaged.layers(1).total_cycles());
}

// hetero-v0's co-simulation as a SystemC composition (simulate_hetero_tlm): sub-accelerator
// modules through an InitiatorMux to one DramTarget.
SubAccelerator sub(compute::Dataflow dataflow, uint32_t max_outstanding, const v1::Network* net) {
  SubAccelerator s;
  s.config = testing_layers::systolic_config(16, dataflow);
  s.max_outstanding = max_outstanding;
  if (net) s.networks = {net};
  return s;
}

TEST(SystolicTlm, HeteroAloneEqualsTheSingleAccelerator) {
  // One sub-accelerator running, one idle: the SystemC composition is the single accelerator's
  // (the same cycles as simulate_systolic dram-exact).
  const auto net = workloads::load_network("conv_test");
  const auto tech = energy::Technology::builtin();
  const DesignSpace space = make_space("dram");
  const auto dram = dram::dram_config(space.decode(space.default_point()));
  for (auto df : {compute::Dataflow::kOutputStationary, compute::Dataflow::kWeightStationary,
                  compute::Dataflow::kRowStationary}) {
    SCOPED_TRACE(compute::dataflow_name(df));
    const std::vector<SubAccelerator> subs = {sub(compute::Dataflow::kOutputStationary, 0, nullptr),
                                              sub(df, 0, &net)};
    const HeteroResult tlm = simulate_hetero_tlm(subs, dram, tech);
    const HeteroResult direct = simulate_hetero(subs, dram, tech, /*sample_folds=*/false);
    const auto single =
        simulate_systolic(net, subs[1].config, parse_memory_mode("dram-exact"), tech, &dram);
    ASSERT_EQ(tlm.finish_ns.size(), 2u);
    EXPECT_EQ(tlm.finish_ns[0], 0.0);
    // The single report rounds each layer up to whole cycles (1 ns at 1 GHz).
    EXPECT_NEAR(tlm.latency_ns, single.total().latency_ns(), 1.0 * net.layers_size());
    // The direct co-simulation's fold state machine lands within 0.05 % of it here.
    EXPECT_NEAR(tlm.latency_ns, direct.latency_ns, 5e-4 * direct.latency_ns);
    EXPECT_EQ(tlm.dram.reads(), direct.dram.reads());
    EXPECT_EQ(tlm.dram.writes(), direct.dram.writes());
    EXPECT_EQ(tlm.area_mm2, direct.area_mm2);
    EXPECT_EQ(tlm.on_chip_energy_pj, direct.on_chip_energy_pj);
  }
}

TEST(SystolicTlm, HeteroSubAcceleratorsShareTheDram) {
  // Two at once: the same DRAM traffic as the direct co-simulation; each slowed by the other
  // and by a smaller share. The interconnect arbitrates burst by burst (each initiator sends
  // its next burst once the last was taken), where the direct engine admits whole transfers in
  // issue order: the finish times differ where both stream at once (docs/MODELS.md).
  const auto a = workloads::load_network("conv_test");
  const auto b = workloads::load_network("gemm_test");
  const auto tech = energy::Technology::builtin();
  const DesignSpace space = make_space("dram");
  const auto dram = dram::dram_config(space.decode(space.default_point()));
  const auto os = compute::Dataflow::kOutputStationary, ws = compute::Dataflow::kWeightStationary;
  const HeteroResult alone_a = simulate_hetero_tlm({sub(os, 32, &a)}, dram, tech);
  const HeteroResult alone_b = simulate_hetero_tlm({sub(ws, 32, &b)}, dram, tech);
  const std::vector<SubAccelerator> both = {sub(os, 32, &a), sub(ws, 32, &b)};
  const HeteroResult tlm = simulate_hetero_tlm(both, dram, tech);
  const HeteroResult direct = simulate_hetero(both, dram, tech, /*sample_folds=*/false);
  EXPECT_EQ(tlm.dram.reads(), direct.dram.reads());
  EXPECT_EQ(tlm.dram.writes(), direct.dram.writes());
  EXPECT_GT(tlm.finish_ns[0], alone_a.latency_ns);
  EXPECT_GT(tlm.finish_ns[1], alone_b.latency_ns);
  EXPECT_LT(tlm.latency_ns, alone_a.latency_ns + alone_b.latency_ns);
  EXPECT_NEAR(tlm.latency_ns, direct.latency_ns, 0.1 * direct.latency_ns);
  const HeteroResult throttled = simulate_hetero_tlm({sub(os, 2, &a), sub(ws, 32, &b)}, dram, tech);
  EXPECT_GT(throttled.finish_ns[0], tlm.finish_ns[0]);
}

}  // namespace
}  // namespace accelgym::accel
