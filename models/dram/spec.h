// DRAM standards as data: loading a preset (models/dram/data/*.json) and the derived device
// description the controller runs on.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "accelgym/v1/dram.pb.h"

namespace accelgym::dram {

// The standards, one entry per data file (models/dram/data): the one table the parameter
// space, the loader, help texts and docs take names from. It repeats the names the file
// holds so that listing them reads no file (a run parses only the file it uses);
// check_standard_table() holds it against the files (tests/cpp/dram_test.cc).
struct StandardFamily {
  const char* file;
  std::string base_name;                // names are base_name + speed bin (or base_name alone)
  std::vector<std::string> speed_bins;  // the file's speed_bins, in its order
  std::vector<std::string> densities;   // its density variants (empty: none)
  std::vector<std::string> widths;      // its device-width variants (empty: none)
};
const std::vector<StandardFamily>& standard_families();
// InternalError naming the file and the list that differs from it.
void check_standard_table();

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
