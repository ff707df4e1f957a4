// Energy and area per primitive from a technology table (docs/reference/energy.md), with node
// scaling. The table is data (models/energy/data/tech_45nm.json); users may load their own.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "accelgym/v1/technology.pb.h"

namespace accelgym::energy {

class Technology {
 public:
  explicit Technology(v1::TechnologyTable table, const std::string& source = "");
  static Technology load(const std::string& path);
  static Technology builtin();  // tech_45nm.json from the data directory

  const v1::TechnologyTable& table() const { return table_; }

  uint32_t precision_bits(const std::string& precision) const;
  double mac_energy_pj(const std::string& precision, uint32_t node_nm) const;
  double mac_area_um2(const std::string& precision, uint32_t node_nm) const;
  // One access of a `word_bits` word to an SRAM of `size_kib`.
  double sram_read_pj(double size_kib, uint32_t word_bits, uint32_t node_nm) const;
  double sram_write_pj(double size_kib, uint32_t word_bits, uint32_t node_nm) const;
  double sram_area_um2(double size_kib, uint32_t node_nm) const;
  double leakage_fraction() const { return table_.leakage_fraction_of_dynamic(); }

  struct Scale {
    double energy = 1, logic_area = 1, sram_area = 1;
  };
  // Factors from the table's node to `node_nm`; log-space interpolation between rows.
  Scale scale(uint32_t node_nm) const;

 private:
  const v1::TechnologyTable::Mac& mac(const std::string& precision) const;
  v1::TechnologyTable table_;
  // Each scaling column as (log node, log factor) points, taken once: scale() runs for every
  // layer's energy.
  using LogPoints = std::vector<std::pair<double, double>>;
  LogPoints energy_points_, logic_area_points_, sram_area_points_;
};

}  // namespace accelgym::energy
