#include "models/dram/dram_tlm.h"

#include "sim/core/errors.h"

namespace accelgym::dram {

using sc_core::SC_NS;
using sc_core::sc_time;

DramTarget::DramTarget(sc_core::sc_module_name name, const Device& device, const DramConfig& config)
    : sc_module(name), socket("socket"), memory_(device, config) {
  socket.register_nb_transport_fw(this, &DramTarget::nb_transport_fw);
  socket.register_b_transport(this, &DramTarget::b_transport);
  SC_HAS_PROCESS(DramTarget);
  SC_METHOD(wake);
  sensitive << wake_event_;
  dont_initialize();
  SC_METHOD(work);
  sensitive << work_event_;
  dont_initialize();
}

uint64_t DramTarget::now_cycle() const {
  return memory_.cycle_at(sc_core::sc_time_stamp().to_seconds() * 1e9);
}

sc_time DramTarget::time_of(uint64_t cycle) const {
  return sc_time(static_cast<double>(cycle) * memory_.device().tck_ns, SC_NS);
}

void DramTarget::wake_at(uint64_t cycle) {
  if (cycle == kNever || cycle >= scheduled_) return;
  scheduled_ = cycle;
  const sc_time at = time_of(cycle);
  const sc_time now = sc_core::sc_time_stamp();
  wake_event_.notify(at > now ? at - now : sc_core::SC_ZERO_TIME);
}

bool DramTarget::admit(tlm::tlm_generic_payload& p, uint64_t now) {
  MemRequest r;
  r.address = p.get_address();
  r.is_write = p.get_command() == tlm::TLM_WRITE_COMMAND;
  r.arrival_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
  r.cookie = reinterpret_cast<uint64_t>(&p);
  if (const auto* from = p.get_extension<InitiatorExtension>()) r.initiator = from->initiator();
  return memory_.try_accept(r, now);
}

tlm::tlm_sync_enum DramTarget::nb_transport_fw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase,
                                               sc_time& delay) {
  if (phase == tlm::BEGIN_REQ) {
    if (delay != sc_core::SC_ZERO_TIME) {
      throw InputError(
          "DramTarget: annotated BEGIN_REQ delays are not supported; notify at the "
          "request time");
    }
    if (waiting_) throw InternalError("DramTarget: BEGIN_REQ before END_REQ (protocol error)");
    const uint64_t now = now_cycle();
    if (admit(p, now)) {
      wake_at(now);
      phase = tlm::END_REQ;
      return tlm::TLM_UPDATED;
    }
    waiting_ = &p;  // END_REQ when the controller has room
    wake_at(now);
    return tlm::TLM_ACCEPTED;
  }
  if (phase == tlm::END_RESP) {
    in_response_ = nullptr;
    wake_at(now_cycle());
    return tlm::TLM_COMPLETED;
  }
  throw InternalError("DramTarget: unexpected phase on the forward path");
}

void DramTarget::send_responses() {
  while (!in_response_ && !responses_.empty()) {
    tlm::tlm_generic_payload* p = responses_.front();
    responses_.pop_front();
    p->set_response_status(tlm::TLM_OK_RESPONSE);
    tlm::tlm_phase phase = tlm::BEGIN_RESP;
    sc_time delay = sc_core::SC_ZERO_TIME;
    in_response_ = p;
    if (socket->nb_transport_bw(*p, phase, delay) == tlm::TLM_COMPLETED) in_response_ = nullptr;
  }
}

void DramTarget::wake() { work_event_.notify(sc_core::SC_ZERO_TIME); }

void DramTarget::work() {
  scheduled_ = kNever;
  const uint64_t now = now_cycle();
  if (memory_.take_capacity_freed()) retry_ = true;
  if (waiting_ && retry_) {
    retry_ = false;
    if (admit(*waiting_, now)) {
      tlm::tlm_generic_payload* p = waiting_;
      waiting_ = nullptr;
      tlm::tlm_phase phase = tlm::END_REQ;
      sc_time delay = sc_core::SC_ZERO_TIME;
      socket->nb_transport_bw(*p, phase, delay);
      // The initiator may now send the requests queued behind this one, at this same time:
      // step the controller once they are in (two delta cycles on), as the trace driver offers
      // every request of a cycle before stepping.
      wake_at(now);
      return;
    }
  }
  uint64_t next = memory_.advance(now);
  for (const Completion& c : memory_.completions()) {
    last_response_cycle_ = std::max(last_response_cycle_, c.cycle);
    auto* p = reinterpret_cast<tlm::tlm_generic_payload*>(c.cookie);
    const auto blocking = blocking_done_.find(p);
    if (blocking != blocking_done_.end()) {
      blocking->second = true;
      blocking_event_.notify(sc_core::SC_ZERO_TIME);
    } else {
      responses_.push_back(p);
    }
  }
  memory_.completions().clear();
  send_responses();
  if (memory_.take_capacity_freed()) {
    retry_ = true;
    if (waiting_) next = std::min(next, now + 1);
    blocking_event_.notify(sc_core::SC_ZERO_TIME);
  }
  if (next != kNever) wake_at(std::max(next, now + 1));
}

void DramTarget::b_transport(tlm::tlm_generic_payload& p, sc_time& delay) {
  sc_core::wait(delay);  // the annotated time is when the request arrives
  delay = sc_core::SC_ZERO_TIME;
  blocking_done_[&p] = false;
  while (!admit(p, now_cycle())) sc_core::wait(blocking_event_);
  wake_at(now_cycle());
  while (!blocking_done_[&p]) sc_core::wait(blocking_event_);
  blocking_done_.erase(&p);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

InitiatorMux::InitiatorMux(sc_core::sc_module_name name)
    : sc_module(name), targets("targets"), to_memory("to_memory") {
  targets.register_nb_transport_fw(this, &InitiatorMux::nb_transport_fw);
  targets.register_b_transport(this, &InitiatorMux::b_transport);
  to_memory.register_nb_transport_bw(this, &InitiatorMux::nb_transport_bw);
}

InitiatorMux::~InitiatorMux() = default;

void InitiatorMux::tag(int initiator, tlm::tlm_generic_payload& payload) {
  if (auto* tag = payload.get_extension<InitiatorExtension>()) {
    tag->set_initiator(static_cast<uint32_t>(initiator));
  } else {
    payload.set_extension(new InitiatorExtension(static_cast<uint32_t>(initiator)));
  }
}

tlm::tlm_sync_enum InitiatorMux::nb_transport_fw(int initiator, tlm::tlm_generic_payload& p,
                                                 tlm::tlm_phase& phase, sc_time& delay) {
  if (phase == tlm::END_RESP) return to_memory->nb_transport_fw(p, phase, delay);
  if (phase != tlm::BEGIN_REQ) throw InternalError("InitiatorMux: unexpected forward phase");
  tag(initiator, p);
  if (in_flight_.payload || !queued_.empty()) {
    queued_.push_back({initiator, &p});  // END_REQ once the target has taken it
    return tlm::TLM_ACCEPTED;
  }
  const tlm::tlm_sync_enum answer = to_memory->nb_transport_fw(p, phase, delay);
  if (answer == tlm::TLM_ACCEPTED) in_flight_ = {initiator, &p};
  return answer;  // TLM_UPDATED with END_REQ: admitted at once
}

void InitiatorMux::b_transport(int initiator, tlm::tlm_generic_payload& p, sc_time& delay) {
  tag(initiator, p);
  to_memory->b_transport(p, delay);
}

void InitiatorMux::forward_queued() {
  while (!in_flight_.payload && !queued_.empty()) {
    const Pending next = queued_.front();
    queued_.pop_front();
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    sc_time delay = sc_core::SC_ZERO_TIME;
    if (to_memory->nb_transport_fw(*next.payload, phase, delay) == tlm::TLM_ACCEPTED) {
      in_flight_ = next;
      return;
    }
    phase = tlm::END_REQ;
    targets[next.initiator]->nb_transport_bw(*next.payload, phase, delay);
  }
}

tlm::tlm_sync_enum InitiatorMux::nb_transport_bw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase,
                                                 sc_time& delay) {
  if (phase == tlm::END_REQ) {
    if (in_flight_.payload != &p) {
      throw InternalError("InitiatorMux: END_REQ for a request not in flight");
    }
    const int initiator = in_flight_.initiator;
    in_flight_ = {};
    targets[initiator]->nb_transport_bw(p, phase, delay);
    forward_queued();
    return tlm::TLM_ACCEPTED;
  }
  if (phase != tlm::BEGIN_RESP) throw InternalError("InitiatorMux: unexpected backward phase");
  const auto* from = p.get_extension<InitiatorExtension>();
  return targets[static_cast<int>(from->initiator())]->nb_transport_bw(p, phase, delay);
}

}  // namespace accelgym::dram
