// The TLM-2.0 front of the DRAM model gives the same timing as the trace driver.
#include <gtest/gtest.h>

#include <tlm_utils/simple_initiator_socket.h>
#include <map>

#include "models/dram/dram_tlm.h"
#include "models/dram/trace_sim.h"
#include "models/spaces.h"
#include "sim/core/errors.h"
#include "sim/core/rng.h"
#include "sim/kernel/sim_kernel.h"
#include "test_sampling.h"

namespace accelgym::dram {
namespace {

using workloads::TraceRequest;

DramConfig config_for(const std::vector<std::pair<std::string, std::string>>& sets = {}) {
  const DesignSpace space = make_space("dram");
  ParamMap values;
  for (const auto& [k, v] : sets) values.set(k, space.parse_value(space.index_of(k), v));
  return dram_config(space.decode(space.encode(values)));
}

// Sends each request at its time as BEGIN_REQ and waits for END_REQ before the next one
// (the base protocol's request exclusion rule).
struct AtInitiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<AtInitiator> socket;
  std::vector<TraceRequest> requests;
  std::vector<tlm::tlm_generic_payload> payloads;
  std::map<const tlm::tlm_generic_payload*, size_t> index;
  std::vector<double> response_ns;
  sc_core::sc_event end_req;
  size_t responses = 0;
  bool saw_back_pressure = false;

  AtInitiator(sc_core::sc_module_name name, std::vector<TraceRequest> reqs)
      : sc_module(name),
        socket("socket"),
        requests(std::move(reqs)),
        payloads(requests.size()),
        response_ns(requests.size(), -1) {
    socket.register_nb_transport_bw(this, &AtInitiator::nb_transport_bw);
    SC_HAS_PROCESS(AtInitiator);
    SC_THREAD(run);
  }

  void run() {
    for (size_t i = 0; i < requests.size(); ++i) {
      const sc_core::sc_time at(requests[i].time_ns, sc_core::SC_NS);
      if (at > sc_core::sc_time_stamp()) wait(at - sc_core::sc_time_stamp());
      auto& p = payloads[i];
      p.set_address(requests[i].address);
      p.set_command(requests[i].is_write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
      p.set_data_length(64);
      index[&p] = i;
      tlm::tlm_phase phase = tlm::BEGIN_REQ;
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      if (socket->nb_transport_fw(p, phase, delay) == tlm::TLM_ACCEPTED) {
        saw_back_pressure = true;
        wait(end_req);
      }
    }
  }

  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase,
                                     sc_core::sc_time&) {
    if (phase == tlm::END_REQ) {
      end_req.notify(sc_core::SC_ZERO_TIME);
      return tlm::TLM_ACCEPTED;
    }
    EXPECT_EQ(phase, tlm::BEGIN_RESP);
    EXPECT_EQ(p.get_response_status(), tlm::TLM_OK_RESPONSE);
    response_ns[index.at(&p)] = sc_core::sc_time_stamp().to_seconds() * 1e9;
    if (++responses == requests.size()) sc_core::sc_stop();
    return tlm::TLM_COMPLETED;
  }
};

// Latency of each request through the trace driver.
std::vector<double> direct_latencies(const DramConfig& config,
                                     const std::vector<TraceRequest>& reqs,
                                     v1::DramReport* report) {
  std::vector<Completion> done;
  TraceRunOptions options;
  options.completions = &done;
  auto source = workloads::trace_from(reqs);
  *report = simulate_trace(*source, config, options);
  std::vector<double> out(reqs.size());
  for (const auto& c : done) out[c.cookie] = c.latency_ns;
  return out;
}

std::vector<TraceRequest> random_reads(size_t n, double interval_ns, uint64_t seed) {
  Rng rng(seed);
  std::vector<TraceRequest> out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(
        {static_cast<double>(i) * interval_ns, rng.uniform(4) == 0, rng.uniform(1 << 24) * 64});
  }
  return out;
}

// Returns whether the target applied back-pressure (withheld END_REQ).
bool expect_same_as_direct(const DramConfig& config, const std::vector<TraceRequest>& reqs) {
  v1::DramReport direct;
  const auto expected = direct_latencies(config, reqs, &direct);
  kernel::Session session;
  auto& target = session.make<DramTarget>("dram", make_device(config), config);
  auto& initiator = session.make<AtInitiator>("cpu", reqs);
  initiator.socket.bind(target.socket);
  session.run();
  EXPECT_EQ(initiator.responses, reqs.size());
  for (size_t i = 0; i < reqs.size(); ++i) {
    EXPECT_NEAR(initiator.response_ns[i] - reqs[i].time_ns, expected[i], 1e-3) << "request " << i;
  }
  const auto tlm_report = target.report();
  EXPECT_EQ(tlm_report.total_cycles(), direct.total_cycles());
  EXPECT_EQ(tlm_report.commands().at("ACT"), direct.commands().at("ACT"));
  EXPECT_EQ(tlm_report.commands().at("REF"), direct.commands().at("REF"));
  return initiator.saw_back_pressure;
}

TEST(DramTlm, AtProtocolMatchesTheTraceDriver) {
  EXPECT_FALSE(expect_same_as_direct(config_for(), random_reads(2000, 20, 1)));
  expect_same_as_direct(config_for({{"Scheduler", "FrFcfsGrp"}}), random_reads(2000, 7.5, 3));
}

TEST(DramTlm, BackPressureWithholdsEndReqAndMatches) {
  // One slot per bank and a burst of requests at once: END_REQ must wait for room.
  EXPECT_TRUE(
      expect_same_as_direct(config_for({{"RequestBufferSize", "1"}}), random_reads(300, 0, 2)));
}

// The same on configurations drawn at random (seeded) from the whole `dram` space.
TEST(DramTlm, MatchesTheTraceDriverOnRandomConfigurations) {
  const DesignSpace space = make_space("dram");
  Rng rng(5);
  const double intervals_ns[] = {0, 2, 10, 40};
  for (int compared = 0; compared < 8; ++compared) {
    const ParamMap values = testing_sampling::sample_valid(space, rng);
    const DramConfig config = dram_config(values);
    const uint64_t lines = std::min<uint64_t>(make_device(config).capacity_bytes() / 64, 1 << 24);
    std::vector<TraceRequest> reqs;
    const double interval = intervals_ns[rng.uniform(4)];
    for (size_t i = 0; i < 400; ++i) {
      reqs.push_back(
          {static_cast<double>(i) * interval, rng.uniform(3) == 0, rng.uniform(lines) * 64});
    }
    SCOPED_TRACE("configuration " + std::to_string(compared) + ": " +
                 testing_sampling::describe(values) + "interval " + std::to_string(interval));
    expect_same_as_direct(config, reqs);
  }
}

// A loosely timed initiator: one blocking request at a time.
struct LtInitiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<LtInitiator> socket;
  std::vector<uint64_t> addresses;
  std::vector<double> latency_ns;
  tlm::tlm_generic_payload payload;

  LtInitiator(sc_core::sc_module_name name, std::vector<uint64_t> addrs)
      : sc_module(name), socket("socket"), addresses(std::move(addrs)) {
    SC_HAS_PROCESS(LtInitiator);
    SC_THREAD(run);
  }

  void run() {
    for (uint64_t a : addresses) {
      wait(1000, sc_core::SC_NS);  // idle gap: every access sees an idle controller
      payload.set_address(a);
      payload.set_command(tlm::TLM_READ_COMMAND);
      const double start = sc_core::sc_time_stamp().to_seconds() * 1e9;
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      socket->b_transport(payload, delay);
      latency_ns.push_back(sc_core::sc_time_stamp().to_seconds() * 1e9 - start);
    }
    sc_core::sc_stop();
  }
};

TEST(DramTlm, BlockingTransportSeesIdleLatencies) {
  const auto config = config_for();
  kernel::Session session;
  auto& target = session.make<DramTarget>("dram", make_device(config), config);
  auto& initiator =
      session.make<LtInitiator>("cpu", std::vector<uint64_t>{0, 64, uint64_t{1} << 17});
  initiator.socket.bind(target.socket);
  session.run();
  ASSERT_EQ(initiator.latency_ns.size(), 3u);
  const double tck = 5.0 / 6.0;  // DDR4-2400: closed bank 36, row hit 20, conflict 52 cycles
  EXPECT_NEAR(initiator.latency_ns[0], 36 * tck, 2e-3);
  EXPECT_NEAR(initiator.latency_ns[1], 20 * tck, 2e-3);
  EXPECT_NEAR(initiator.latency_ns[2], 52 * tck, 2e-3);
}

}  // namespace
}  // namespace accelgym::dram
