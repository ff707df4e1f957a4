// The DRAM subsystem as a SystemC module with a TLM-2.0 target socket.
//
// Approximately timed (AT, base protocol): BEGIN_REQ is answered with END_REQ when the
// controller admits the request; while its buffers are full END_REQ is withheld
// (back-pressure) and sent when space frees. Responses go out as BEGIN_RESP at the cycle the
// data transfer completes; the next BEGIN_RESP waits for END_RESP (or TLM_COMPLETED).
// b_transport is a blocking convenience path over the same controller.
//
// One SC_METHOD wakes only when the controller says something can happen (a command may
// issue, a response is due, a refresh falls due): no per-cycle process. It works one delta
// cycle after its timed wake-up, so requests that initiators send at that time are admitted
// before the controller issues commands, as in the trace driver. Refresh keeps the module
// waking while the simulation runs: stop it with sc_stop() or run for a bounded time.
#pragma once

#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <deque>
#include <map>
#include <systemc>
#include <tlm>

#include "models/dram/controller.h"

namespace accelgym::dram {

// Which initiator a request comes from, for MemorySystem's per-initiator accounting
// (MaxActiveTransactions, set_initiator_limit()). A request without it is initiator 0.
// InitiatorMux sets it; an interconnect of one's own can too.
class InitiatorExtension : public tlm::tlm_extension<InitiatorExtension> {
 public:
  explicit InitiatorExtension(uint32_t initiator = 0) : initiator_(initiator) {}
  uint32_t initiator() const { return initiator_; }
  void set_initiator(uint32_t initiator) { initiator_ = initiator; }
  tlm::tlm_extension_base* clone() const override { return new InitiatorExtension(initiator_); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    initiator_ = static_cast<const InitiatorExtension&>(other).initiator_;
  }

 private:
  uint32_t initiator_;
};

class DramTarget : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<DramTarget> socket;

  DramTarget(sc_core::sc_module_name name, const Device& device, const DramConfig& config);

  MemorySystem& memory() { return memory_; }
  // Statistics up to the last delivered response.
  v1::DramReport report() { return memory_.finish(last_response_cycle_); }

 private:
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  void wake();  // timed: hands over to work() one delta later
  void work();
  bool admit(tlm::tlm_generic_payload& payload, uint64_t now);
  void send_responses();
  uint64_t now_cycle() const;
  sc_core::sc_time time_of(uint64_t cycle) const;
  void wake_at(uint64_t cycle);

  MemorySystem memory_;
  sc_core::sc_event wake_event_;
  sc_core::sc_event work_event_;
  sc_core::sc_event blocking_event_;                 // b_transport callers re-check their state
  tlm::tlm_generic_payload* waiting_ = nullptr;      // refused BEGIN_REQ, END_REQ withheld
  std::deque<tlm::tlm_generic_payload*> responses_;  // ready, waiting for the response channel
  tlm::tlm_generic_payload* in_response_ = nullptr;  // BEGIN_RESP sent, END_RESP not yet seen
  std::map<tlm::tlm_generic_payload*, bool> blocking_done_;  // b_transport payloads
  uint64_t last_response_cycle_ = 0;
  uint64_t scheduled_ = kNever;
  bool retry_ = false;  // capacity freed since the waiting request was refused
};

// Several initiators in front of one DramTarget: an AT interconnect that forwards requests to
// the target in the order they arrive (one BEGIN_REQ in flight at a time; a request the target
// holds back holds back those behind it, as one request stream into one controller), tagged
// with the index of the initiator's binding (InitiatorExtension), and returns each response to
// its initiator. Bind initiators to `targets` (binding i is initiator i) and `to_memory` to the
// DramTarget's socket.
class InitiatorMux : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<InitiatorMux> targets;
  tlm_utils::simple_initiator_socket<InitiatorMux> to_memory;

  explicit InitiatorMux(sc_core::sc_module_name name);
  ~InitiatorMux() override;

 private:
  struct Pending {
    int initiator = 0;
    tlm::tlm_generic_payload* payload = nullptr;
  };
  tlm::tlm_sync_enum nb_transport_fw(int initiator, tlm::tlm_generic_payload& payload,
                                     tlm::tlm_phase& phase, sc_core::sc_time& delay);
  void b_transport(int initiator, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  // The payload's InitiatorExtension (added once, owned and freed by the payload).
  static void tag(int initiator, tlm::tlm_generic_payload& payload);
  // Offers queued requests to the target until it holds one back (END_REQ withheld).
  void forward_queued();

  std::deque<Pending> queued_;
  Pending in_flight_{};  // the request the target holds back (its END_REQ to come), if any
};

}  // namespace accelgym::dram
