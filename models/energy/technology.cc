#include "models/energy/technology.h"

#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "sim/core/errors.h"
#include "sim/core/proto_io.h"
#include "sim/core/resources.h"

namespace accelgym::energy {
namespace {

// (log node, log factor) of the rows that define a factor (value > 0).
std::vector<std::pair<double, double>> log_points(
    const v1::TechnologyTable& t, double (*get)(const v1::TechnologyTable::NodeScale&)) {
  std::vector<std::pair<double, double>> pts;
  for (const auto& row : t.scaling()) {
    if (get(row) > 0) pts.emplace_back(std::log(row.node_nm()), std::log(get(row)));
  }
  return pts;
}

// Interpolates the factor at `node_nm` in log-log space between those points.
double interpolate(const v1::TechnologyTable& t, const std::vector<std::pair<double, double>>& pts,
                   uint32_t node_nm, const char* what) {
  const double x = std::log(static_cast<double>(node_nm));
  for (const auto& [px, py] : pts) {
    if (std::abs(px - x) < 1e-12) return std::exp(py);
  }
  // Nearest rows below and above.
  const std::pair<double, double>* lo = nullptr;
  const std::pair<double, double>* hi = nullptr;
  for (const auto& p : pts) {
    if (p.first < x && (!lo || p.first > lo->first)) lo = &p;
    if (p.first > x && (!hi || p.first < hi->first)) hi = &p;
  }
  if (!lo || !hi) {
    throw InputError(
        fmt::format("technology '{}': node {} nm is outside the table's {} scaling rows", t.name(),
                    node_nm, what));
  }
  const double w = (x - lo->first) / (hi->first - lo->first);
  return std::exp(lo->second + w * (hi->second - lo->second));
}

}  // namespace

Technology::Technology(v1::TechnologyTable table, const std::string& source)
    : table_(std::move(table)) {
  auto fail = [&](const std::string& field, const std::string& what) {
    return InputError::at(source, 0, field, what);
  };
  if (table_.macs_size() == 0) throw fail("macs", "the table has no MAC rows");
  for (const auto& m : table_.macs()) {
    if (m.bits() == 0 || m.energy_pj() <= 0 || m.area_um2() <= 0) {
      throw fail("macs", "row '" + m.precision() + "' needs bits, energy_pj and area_um2 > 0");
    }
  }
  if (table_.sram_read_pj_per_64b_at_8kib() <= 0 || table_.sram_area_um2_per_kib() <= 0) {
    throw fail("sram_read_pj_per_64b_at_8kib", "SRAM energy and area must be > 0");
  }
  if (table_.scaling_size() == 0) throw fail("scaling", "no node scaling rows");
  energy_points_ = log_points(table_, [](const auto& r) { return r.energy(); });
  logic_area_points_ = log_points(table_, [](const auto& r) { return r.logic_area(); });
  sram_area_points_ = log_points(table_, [](const auto& r) { return r.sram_area(); });
}

Technology Technology::load(const std::string& path) {
  v1::TechnologyTable table;
  load_json_file(path, &table);
  return Technology(std::move(table), path);
}

Technology Technology::builtin() {
  return load(resource_path("models/energy/data/tech_45nm.json"));
}

const v1::TechnologyTable::Mac& Technology::mac(const std::string& precision) const {
  for (const auto& m : table_.macs()) {
    if (m.precision() == precision) return m;
  }
  throw InputError("technology '" + table_.name() + "' has no MAC row for precision '" + precision +
                   "'");
}

uint32_t Technology::precision_bits(const std::string& precision) const {
  return mac(precision).bits();
}

Technology::Scale Technology::scale(uint32_t node_nm) const {
  Scale s;
  s.energy = interpolate(table_, energy_points_, node_nm, "energy");
  s.logic_area = interpolate(table_, logic_area_points_, node_nm, "logic area");
  s.sram_area = interpolate(table_, sram_area_points_, node_nm, "SRAM area");
  return s;
}

double Technology::mac_energy_pj(const std::string& precision, uint32_t node_nm) const {
  return mac(precision).energy_pj() * scale(node_nm).energy;
}

double Technology::mac_area_um2(const std::string& precision, uint32_t node_nm) const {
  return mac(precision).area_um2() * scale(node_nm).logic_area;
}

double Technology::sram_read_pj(double size_kib, uint32_t word_bits, uint32_t node_nm) const {
  // Horowitz: 10 pJ per 64-bit read at 8 KiB, growing with sqrt(size) (wire length).
  return table_.sram_read_pj_per_64b_at_8kib() * std::sqrt(size_kib / 8.0) *
         (static_cast<double>(word_bits) / 64.0) * scale(node_nm).energy;
}

double Technology::sram_write_pj(double size_kib, uint32_t word_bits, uint32_t node_nm) const {
  return table_.sram_write_to_read() * sram_read_pj(size_kib, word_bits, node_nm);
}

double Technology::sram_area_um2(double size_kib, uint32_t node_nm) const {
  return table_.sram_area_um2_per_kib() * size_kib * scale(node_nm).sram_area;
}

}  // namespace accelgym::energy
