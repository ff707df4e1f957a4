// A SystemC top of the user's own around accelgym's modules: the systolic accelerator
// (models/accel/systolic_module.h) sends its tile transfers through a probe of our own (a TLM-2.0
// pass-through that counts bursts) to accelgym's DRAM target (models/dram/dram_tlm.h). A
// watcher of ours ends the simulation when the accelerator is done; the accelerator's report is
// then completed with the DRAM's. Exit code 0 when the probe saw every burst the DRAM served.
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdio>
#include <systemc>
#include <tlm>

#include "models/accel/systolic_module.h"
#include "models/compute/systolic_params.h"
#include "models/dram/dram_params.h"
#include "models/dram/dram_tlm.h"
#include "models/spaces.h"
#include "workloads/network_zoo.h"

namespace {

// Forwards every phase both ways unchanged, counting the requests that pass.
class Probe : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Probe> from_accelerator{"from_accelerator"};
  tlm_utils::simple_initiator_socket<Probe> to_memory{"to_memory"};
  unsigned long long requests = 0;

  explicit Probe(sc_core::sc_module_name name) : sc_module(name) {
    from_accelerator.register_nb_transport_fw(this, &Probe::forward);
    to_memory.register_nb_transport_bw(this, &Probe::backward);
  }

 private:
  tlm::tlm_sync_enum forward(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase,
                             sc_core::sc_time& delay) {
    if (phase == tlm::BEGIN_REQ) ++requests;
    return to_memory->nb_transport_fw(p, phase, delay);
  }
  tlm::tlm_sync_enum backward(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase,
                              sc_core::sc_time& delay) {
    return from_accelerator->nb_transport_bw(p, phase, delay);
  }
};

// Stops the simulation once the accelerator is done (the DRAM would keep refreshing).
class Watcher : public sc_core::sc_module {
 public:
  Watcher(sc_core::sc_module_name name, const accelgym::accel::SystolicAccelerator& accelerator)
      : sc_module(name), accelerator_(accelerator) {
    SC_HAS_PROCESS(Watcher);
    SC_THREAD(run);
  }

 private:
  void run() {
    if (!accelerator_.done()) wait(accelerator_.done_event());
    sc_core::sc_stop();
  }
  const accelgym::accel::SystolicAccelerator& accelerator_;
};

}  // namespace

int sc_main(int, char**) {
  using namespace accelgym;
  // The accelerator's design space (arrays, scratchpads, DRAM): defaults, then a 16x16 array.
  const DesignSpace space = make_space("accel");
  ParamMap values = space.decode(space.default_point());
  values.set("rows", int64_t{16});
  values.set("cols", int64_t{16});
  const ParamMap design = space.decode(space.encode(values));
  const auto config = compute::systolic_config(design);
  const auto dram_config = dram::dram_config(design);
  const dram::Device device = dram::make_device(dram_config);
  const auto technology = energy::Technology::builtin();

  dram::DramTarget memory("dram", device, dram_config);
  accel::SystolicAccelerator accelerator("accelerator", workloads::load_network("conv_test"),
                                         config, technology, device.capacity_bytes(),
                                         device.access_bytes, {.stop_simulation_when_done = false});
  Probe probe("probe");
  Watcher watcher("watcher", accelerator);
  accelerator.socket.bind(probe.from_accelerator);
  probe.to_memory.bind(memory.socket);
  sc_core::sc_start();

  v1::SimReport report = accelerator.report();
  const v1::DramReport dram_report = memory.report();
  accel::finish_report(report, config, technology, &dram_report);
  const unsigned long long served = dram_report.reads() + dram_report.writes();
  std::printf(
      "conv_test on 16x16: %llu cycles, %llu DRAM bursts (probe saw %llu), "
      "energy %.1f pJ\n",
      static_cast<unsigned long long>(report.total().cycles()), served, probe.requests,
      report.total().energy_pj());
  return accelerator.done() && served > 0 && probe.requests == served ? 0 : 1;
}
