// The systolic accelerator as a SystemC module with a TLM-2.0 initiator socket, for SystemC
// tops of one's own (examples/cpp-consumer/accel_top.cc): bind `socket` to a target that serves
// DRAM bursts (dram::DramTarget, models/dram/dram_tlm.h, or an interconnect in front of it).
//
// One SC_THREAD runs the network layer by layer with the fold timing and tile traffic of
// simulate_systolic in memory mode dram-exact (models/accel/dram_backed.h): per fold one timed
// wait, never an event per PE or per cycle. Tile prefetches and output drains leave through
// the socket as approximately timed transactions (BEGIN_REQ, then the next BEGIN_REQ only after
// END_REQ: the target's back-pressure; BEGIN_RESP answered with TLM_COMPLETED), one burst of
// `burst_bytes` each, at addresses modulo `capacity_bytes`; with a global buffer bound they
// are sent in order by a second thread (a DMA engine: waiting for END_REQ holds back the next
// DRAM request, not the moves over the buffer's port). The model moves no data.
//
// simulate_systolic_tlm (models/accel/systolic_tlm.h) is this module bound to a DramTarget;
// tests/cpp/systolic_tlm_test.cc checks it against the in-process engine.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <memory>
#include <systemc>
#include <tlm>

#include "accelgym/v1/result.pb.h"
#include "accelgym/v1/workload.pb.h"
#include "models/accel/systolic_evaluator.h"

namespace accelgym::accel {

class SystolicAccelerator : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<SystolicAccelerator> socket;  // to the DRAM
  // Optional: to a GlobalBufferModule (models/accel/global_buffer_module.h). Bound, the moves
  // between the scratchpads and the design's global buffer go there, one transaction each;
  // unbound, they are timed inside this module (as the direct engine times them).
  tlm_utils::simple_initiator_socket_optional<SystolicAccelerator> global_buffer_socket;

  struct Options {
    // sc_stop() once the network has run (a DRAM target keeps refreshing, so a simulation of
    // the accelerator and its DRAM alone never runs out of events). Off in a top with other
    // work: wait for done_event() instead.
    bool stop_simulation_when_done = true;
  };

  SystolicAccelerator(sc_core::sc_module_name name, v1::Network network,
                      compute::SystolicConfig config, energy::Technology technology,
                      uint64_t capacity_bytes, uint32_t burst_bytes);
  SystolicAccelerator(sc_core::sc_module_name name, v1::Network network,
                      compute::SystolicConfig config, energy::Technology technology,
                      uint64_t capacity_bytes, uint32_t burst_bytes, Options options);
  ~SystolicAccelerator() override;

  bool done() const { return done_; }
  double finish_ns() const { return finish_ns_; }  // when the network had run (once done)
  const sc_core::sc_event& done_event() const { return done_event_; }
  // Once done: the layers' cycles, stalls and on-chip traffic. accel::finish_report() with the
  // DRAM's report (DramTarget::report()) completes it with totals, DRAM energy and area.
  const v1::SimReport& report() const { return report_; }

 private:
  class Port;  // memory::TransferPort over the sockets
  void run();
  void send_requests();  // the DRAM requests, in order, each after the last one's END_REQ
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  tlm::tlm_sync_enum global_buffer_transport_bw(tlm::tlm_generic_payload& payload,
                                                tlm::tlm_phase& phase, sc_core::sc_time& delay);

  v1::Network network_;
  compute::SystolicConfig config_;
  energy::Technology technology_;
  Options options_;
  std::unique_ptr<Port> port_;
  v1::SimReport report_;
  bool done_ = false;
  double finish_ns_ = 0;
  sc_core::sc_event done_event_;
};

}  // namespace accelgym::accel
