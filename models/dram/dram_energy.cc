#include "models/dram/dram_energy.h"

namespace accelgym::dram {

EnergyModel::EnergyModel(const Device& d) {
  const double devices = d.devices_per_rank;
  const double tck = d.tck_ns;
  auto sum = [&](auto current_times_cycles) {
    double pj = 0;
    for (const auto& s : d.spec.supplies()) pj += s.voltage_v() * current_times_cycles(s);
    return pj * tck * devices;  // mA x V x ns = pJ
  };
  const auto& t = d.t;
  act_pj = sum([&](const auto& s) { return (s.idd0_ma() - s.idd3n_ma()) * t.ras(); });
  pre_pj = sum([&](const auto& s) { return (s.idd0_ma() - s.idd2n_ma()) * t.rp(); });
  read_pj = sum([&](const auto& s) { return (s.idd4r_ma() - s.idd3n_ma()) * d.burst_cycles; });
  write_pj = sum([&](const auto& s) { return (s.idd4w_ma() - s.idd3n_ma()) * d.burst_cycles; });
  ref_pj = sum([&](const auto& s) { return (s.idd5b_ma() - s.idd3n_ma()) * t.rfc(); });
  // A per-bank refresh refreshes 1/banks of the rows an all-bank refresh does.
  refpb_pj = ref_pj / d.banks;
  background_pj_per_cycle[0] = sum([](const auto& s) { return s.idd3n_ma(); });
  background_pj_per_cycle[1] = sum([](const auto& s) { return s.idd2n_ma(); });
  background_pj_per_cycle[2] = sum([](const auto& s) { return s.idd3p_ma(); });
  background_pj_per_cycle[3] = sum([](const auto& s) { return s.idd2p_ma(); });
  background_pj_per_cycle[4] = sum([](const auto& s) { return s.idd6_ma(); });
}

}  // namespace accelgym::dram
