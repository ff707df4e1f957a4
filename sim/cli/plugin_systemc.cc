// The SystemC engine plugin (sim/cli/plugins.h): the accelerator as a SystemC module sending
// TLM-2.0 transactions to the DRAM target. Links libsystemc; everything else it calls lives in
// the accelgym binary that loads it.
#include "models/accel/systolic_tlm.h"
#include "sim/cli/plugins.h"

extern "C" [[gnu::visibility("default")]] const accelgym::cli::SystemcPlugin*
accelgym_systemc_plugin() {
  static const accelgym::cli::SystemcPlugin plugin{&accelgym::accel::simulate_systolic_tlm,
                                                   &accelgym::accel::simulate_hetero_tlm};
  return &plugin;
}
