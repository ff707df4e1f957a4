// The global buffer between an accelerator's scratchpads and the DRAM as a SystemC module with
// a TLM-2.0 target socket (library accelgym::systemc), for SystemC tops of one's own and the
// `systemc` engine (simulate_systolic_tlm puts it in when the design has a global buffer).
//
// Bind a SystolicAccelerator's `global_buffer_socket` to `socket`: the accelerator then sends
// each move between its scratchpads and the buffer (a tile the buffer holds, outputs kept for
// the next layer) as one transaction, which this module times on the buffer's one port
// (memory::GlobalBufferPort: `words_per_cycle` a cycle, moves queue on it) and answers when the
// move ends; its DRAM traffic goes out of the accelerator's other socket. What the buffer holds
// is decided where a layer's moves are planned (the accelerator's LayerTraffic, from tile
// identities; models/memory/global_buffer.h); this module is where they take time and are
// counted. The composition gives the direct engine's cycles and traffic
// (tests/cpp/systolic_tlm_test.cc).
//
// Approximately timed, base protocol: a request is taken at once (END_REQ); responses go one at
// a time (the next BEGIN_RESP after TLM_COMPLETED or END_RESP); b_transport waits for the move.
#pragma once

#include <tlm_utils/peq_with_get.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <deque>
#include <systemc>
#include <tlm>

#include "models/memory/global_buffer.h"

namespace accelgym::accel {

class GlobalBufferModule : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<GlobalBufferModule> socket;

  GlobalBufferModule(sc_core::sc_module_name name, uint32_t word_bytes, uint64_t words_per_cycle,
                     double cycle_ns);

  // Words moved out of the buffer (towards the scratchpads) and into it.
  uint64_t words_read() const { return words_read_; }
  uint64_t words_written() const { return words_written_; }

 private:
  sc_core::sc_time serve(tlm::tlm_generic_payload& p);  // the move; the time until it ends
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  void moves_done();      // the moves whose time has come: their responses
  void send_responses();  // one at a time

  uint32_t word_bytes_;
  memory::GlobalBufferPort port_;
  tlm_utils::peq_with_get<tlm::tlm_generic_payload> done_;
  std::deque<tlm::tlm_generic_payload*> responses_;
  tlm::tlm_generic_payload* in_response_ = nullptr;  // BEGIN_RESP sent, END_RESP to come
  uint64_t words_read_ = 0, words_written_ = 0;
};

}  // namespace accelgym::accel
