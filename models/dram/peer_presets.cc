#include "models/dram/peer_presets.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

#include "models/dram/spec.h"
#include "sim/core/errors.h"

namespace accelgym::dram {

const std::vector<PeerPreset>& peer_presets() {
  // Sources: docs/reference/dram.md (DRAMSys's defaults); Ramulator 2.0
  // src/dram_controller/impl/generic_dram_controller.cpp (read and write buffers of 32,
  // writes need no response) and src/dram/impl/DDR4.cpp (tRFC 360 ns at 8 Gb, tREFI 7.8 us);
  // DRAMsim3 src/controller.cc and command_queue.cc (queue_structure PER_BANK: a command
  // queue of cmd_queue_size = 8 per bank, where FR-FCFS picks, fed from a read queue and a
  // write buffer of trans_queue_size = 32; a write is returned the cycle after it is added).
  // The per-bank command queues are accelgym's Bankwise buffers of 8, the read queue and
  // write buffer its transaction queues (ControllerConfig::transaction_queue_size).
  static const std::vector<PeerPreset> presets = {
      {"dramsys",
       "DRAMSys's defaults, accelgym's own: a buffer of 8 per bank, a write answered once its "
       "data is written",
       {{"SchedulerBuffer", "Bankwise"}, {"RequestBufferSize", "8"}},
       WriteResponse::kAfterData,
       0,
       {},
       0},
      {"ramulator2",
       "Ramulator 2's generic controller: read and write buffers of 32, writes answered on "
       "admission, DDR4 tRFC / tREFI from ns with Ramulator 2's rounding",
       {{"SchedulerBuffer", "ReadWrite"}, {"RequestBufferSize", "32"}},
       WriteResponse::kPosted,
       0,
       {{"4Gb", 260.0}, {"8Gb", 360.0}, {"16Gb", 550.0}},
       7800.0},
      {"dramsim3",
       "DRAMsim3's controller: a read queue and a write buffer of 32 ahead of a command queue "
       "of 8 per bank, writes answered on admission",
       {{"SchedulerBuffer", "Bankwise"}, {"RequestBufferSize", "8"}},
       WriteResponse::kPosted,
       32,
       {},
       0},
  };
  return presets;
}

std::vector<std::string> peer_preset_names() {
  std::vector<std::string> names;
  for (const auto& p : peer_presets()) names.push_back(p.name);
  return names;
}

const PeerPreset& peer_preset(const std::string& name) {
  for (const auto& p : peer_presets()) {
    if (p.name == name) return p;
  }
  throw InputError(
      fmt::format("unknown preset '{}' (known: {})", name, fmt::join(peer_preset_names(), ", ")));
}

uint32_t ramulator2_cycles(double ns, uint32_t tck_ps) {
  const auto ps = static_cast<uint64_t>(ns * 1000);
  return static_cast<uint32_t>((ps * 1000 / tck_ps + 974) / 1000);
}

void apply_peer_preset(const PeerPreset& preset, DramConfig& config) {
  config.controller.write_response = preset.write_response;
  config.controller.transaction_queue_size = preset.transaction_queue_size;
  const bool ddr4 = config.standard.rfind("DDR4-", 0) == 0;
  if (!ddr4 || preset.ddr4_refi_ns == 0) return;
  const auto tck_ps = static_cast<uint32_t>(
      std::lround(load_standard(config.standard, config.density, config.width).tck_ns() * 1000));
  // dram_config() always names a DDR4 density; "8Gb" is the DDR4 file's default.
  const std::string density = config.density.empty() ? "8Gb" : config.density;
  for (const auto& [name, rfc_ns] : preset.ddr4_rfc_ns) {
    if (name == density) config.refresh_timing.rfc_cycles = ramulator2_cycles(rfc_ns, tck_ps);
  }
  config.refresh_timing.refi_cycles = ramulator2_cycles(preset.ddr4_refi_ns, tck_ps);
}

}  // namespace accelgym::dram
