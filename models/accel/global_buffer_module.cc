#include "models/accel/global_buffer_module.h"

#include "sim/core/errors.h"

namespace accelgym::accel {

using sc_core::sc_time;

GlobalBufferModule::GlobalBufferModule(sc_core::sc_module_name name, uint32_t word_bytes,
                                       uint64_t words_per_cycle, double cycle_ns)
    : sc_module(name),
      socket("socket"),
      word_bytes_(word_bytes),
      port_(words_per_cycle, cycle_ns),
      done_("done") {
  if (word_bytes == 0 || words_per_cycle == 0) {
    throw InputError("GlobalBufferModule: word size and words per cycle must be at least 1");
  }
  socket.register_nb_transport_fw(this, &GlobalBufferModule::nb_transport_fw);
  socket.register_b_transport(this, &GlobalBufferModule::b_transport);
  SC_HAS_PROCESS(GlobalBufferModule);
  SC_METHOD(moves_done);
  sensitive << done_.get_event();
  dont_initialize();
}

sc_time GlobalBufferModule::serve(tlm::tlm_generic_payload& p) {
  const uint64_t words = (p.get_data_length() + word_bytes_ - 1) / word_bytes_;
  (p.is_write() ? words_written_ : words_read_) += words;
  const double now_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
  p.set_response_status(tlm::TLM_OK_RESPONSE);
  return sc_time(port_.move(words, now_ns) - now_ns, sc_core::SC_NS);
}

tlm::tlm_sync_enum GlobalBufferModule::nb_transport_fw(tlm::tlm_generic_payload& p,
                                                       tlm::tlm_phase& phase, sc_time& delay) {
  if (phase == tlm::END_RESP) {
    if (in_response_ != &p) throw InternalError("GlobalBufferModule: END_RESP for no response");
    in_response_ = nullptr;
    send_responses();
    return tlm::TLM_COMPLETED;
  }
  if (phase != tlm::BEGIN_REQ) throw InternalError("GlobalBufferModule: unexpected phase");
  if (delay != sc_core::SC_ZERO_TIME) {
    throw InputError("GlobalBufferModule: annotated BEGIN_REQ delays are not supported");
  }
  done_.notify(p, serve(p));
  phase = tlm::END_REQ;
  return tlm::TLM_UPDATED;
}

void GlobalBufferModule::b_transport(tlm::tlm_generic_payload& p, sc_time& delay) {
  sc_core::wait(delay);  // the annotated time is when the move starts
  delay = sc_core::SC_ZERO_TIME;
  sc_core::wait(serve(p));
}

void GlobalBufferModule::moves_done() {
  while (tlm::tlm_generic_payload* p = done_.get_next_transaction()) responses_.push_back(p);
  send_responses();
}

void GlobalBufferModule::send_responses() {
  while (!in_response_ && !responses_.empty()) {
    tlm::tlm_generic_payload* p = responses_.front();
    responses_.pop_front();
    tlm::tlm_phase phase = tlm::BEGIN_RESP;
    sc_time delay = sc_core::SC_ZERO_TIME;
    if (socket->nb_transport_bw(*p, phase, delay) == tlm::TLM_ACCEPTED) in_response_ = p;
  }
}

}  // namespace accelgym::accel
