// DRAM standards as data: loading a preset (models/dram/data/*.json) and the derived device
// description the controller runs on.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "accelgym/v1/dram.pb.h"

namespace accelgym::dram {

// Names users pass: DDR4-2400P/R/T/U, DDR3-1600, LPDDR4-3200, HBM2-2000.
std::vector<std::string> standard_names();

// The spec of `name`, with a density ("4Gb", "8Gb", "16Gb") and width ("x8", "x16") where the
// standard has variants (empty = the standard's default). InputError for unknown names.
v1::DramSpec load_standard(const std::string& name, const std::string& density = "",
                           const std::string& width = "");

// Every quantity the controller needs, in plain integers (cycles of tCK).
struct Device {
  v1::DramSpec spec;
  std::string family;
  double tck_ns = 0;
  uint32_t channels = 0, ranks = 0, bankgroups = 0, banks_per_group = 0, banks = 0;
  uint32_t rows = 0, column_slots = 0;  // accesses per row (columns / burst length)
  uint32_t burst_cycles = 0;            // data-bus cycles per access (BL / 2)
  uint32_t access_bytes = 0;            // bytes per access (bus width x BL / 8)
  uint32_t devices_per_rank = 0;
  v1::DramTiming t;               // with defaults filled (rcd_wr, rp_ab, rtw)
  bool per_bank_refresh = false;  // the standard has REFpb (LPDDR4, HBM2)
  uint64_t capacity_bytes() const;
};

// Checks the spec (organisation powers of two, timing present) and derives the Device;
// throws InputError naming `source` and the field.
Device make_device(const v1::DramSpec& spec, const std::string& source);

}  // namespace accelgym::dram
