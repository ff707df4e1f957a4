// Peer presets: what makes accelgym's controller behave as another simulator's default one, for
// a user comparing numbers with it (`accelgym dram --preset NAME`; docs/DRAM.md, "Side by side
// with Ramulator 2 and DRAMsim3"). accelgym's own semantics are DRAMSys's; a preset changes
// the controller's buffers (and DRAMsim3's transaction queues ahead of them), when a write is
// answered and, on DDR4, the refresh timing the peer derives. It changes nothing a peer does
// not model differently: device timing, scheduling (FR-FCFS) and page policy are chosen as
// usual.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "models/dram/dram_params.h"

namespace accelgym::dram {

struct PeerPreset {
  std::string name;
  std::string summary;  // one line: what it sets and why
  // Values of dram-space parameters (dram_parameters()), applied before the user's own.
  std::vector<std::pair<std::string, std::string>> parameters;
  WriteResponse write_response = WriteResponse::kAfterData;
  uint32_t transaction_queue_size = 0;  // ControllerConfig::transaction_queue_size
  // DDR4 refresh timing as the peer derives it: tRFC per density and tREFI in ns, rounded to
  // cycles as Ramulator 2 rounds, the one preset that sets them (empty / 0: the standard's).
  std::vector<std::pair<std::string, double>> ddr4_rfc_ns;
  double ddr4_refi_ns = 0;
};

// dramsys, ramulator2, dramsim3: the one table help texts and docs take names from.
const std::vector<PeerPreset>& peer_presets();
std::vector<std::string> peer_preset_names();
// InputError naming the known presets when `name` is none of them.
const PeerPreset& peer_preset(const std::string& name);

// Applies what a preset sets outside the parameter space (write response, DDR4 refresh
// timing) to a configuration decoded with the preset's parameters.
void apply_peer_preset(const PeerPreset& preset, DramConfig& config);

// Ramulator 2's rounding of a time to cycles (src/base/utils.cpp JEDEC_rounding): the clock
// period in whole picoseconds, and 0.974 cycles of tolerance.
uint32_t ramulator2_cycles(double ns, uint32_t tck_ps);

}  // namespace accelgym::dram
