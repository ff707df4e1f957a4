#include "models/accel/scalesim_reports.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "sim/core/errors.h"

namespace accelgym::accel {

std::string python_float_repr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // Shortest round-trip digits and exponent, then Python's layout: positional when the
  // decimal exponent is in [-4, 16), scientific with at least two exponent digits otherwise.
  char buf[64];
  const auto end = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific).ptr;
  std::string sci(buf, end);  // e.g. "-1.2345e+02"
  const size_t e = sci.find('e');
  const int exponent = std::atoi(sci.c_str() + e + 1);
  std::string mantissa = sci.substr(0, e);
  const bool negative = mantissa[0] == '-';
  if (negative) mantissa.erase(0, 1);
  std::string digits;
  for (char ch : mantissa) {
    if (ch != '.') digits += ch;
  }
  std::string out = negative ? "-" : "";
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) {
      out += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
    } else if (static_cast<size_t>(exponent) + 1 >= digits.size()) {
      out += digits + std::string(static_cast<size_t>(exponent) + 1 - digits.size(), '0') + ".0";
    } else {
      out += digits.substr(0, static_cast<size_t>(exponent) + 1) + "." +
             digits.substr(static_cast<size_t>(exponent) + 1);
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  out += exponent < 0 ? "e-" : "e+";
  const std::string exp_digits = std::to_string(std::abs(exponent));
  out += (exp_digits.size() < 2 ? "0" : "") + exp_digits;
  return out;
}

namespace {

std::string cycle(int64_t value) { return python_float_repr(static_cast<double>(value)); }

// Words of one instance over its stream's cycles, counting both ends (SCALE-Sim's
// stop - start + 1); the windows are those of a layer's first instance.
double words_per_cycle(uint64_t words, const v1::LayerReport& l, const v1::AccessWindow& w) {
  return static_cast<double>(words / std::max<uint64_t>(1, l.instances())) /
         static_cast<double>(w.stop_cycle() - w.start_cycle() + 1);
}

void require_windows(const v1::SimReport& report, const char* file) {
  if (!has_scalesim_windows(report)) {
    throw InputError(std::string(file) + " needs SCALE-Sim's access windows: memory mode " +
                     "scalesim-bw:<words per cycle>, or scalesim-calc with its DRAM estimates " +
                     "(this report is of memory mode " + report.memory() + ")");
  }
}

}  // namespace

bool has_scalesim_windows(const v1::SimReport& report) {
  return report.layers_size() > 0 &&
         std::all_of(report.layers().begin(), report.layers().end(),
                     [](const v1::LayerReport& l) { return l.has_dram_ifmap_window(); });
}

std::string scalesim_compute_report(const v1::SimReport& report) {
  std::ostringstream out;
  out << "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util "
         "%,\n";
  for (int i = 0; i < report.layers_size(); ++i) {
    const auto& l = report.layers(i);
    out << i << ", " << l.total_cycles() << ", " << l.stall_cycles() << ", "
        << python_float_repr(l.overall_util_pct()) << ", " << python_float_repr(l.mapping_eff_pct())
        << ", " << python_float_repr(l.compute_util_pct()) << ",\n";
  }
  return out.str();
}

std::string scalesim_bandwidth_report(const v1::SimReport& report) {
  require_windows(report, "BANDWIDTH_REPORT.csv");
  std::ostringstream out;
  out << "LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP DRAM BW, "
         "Avg FILTER DRAM BW, Avg OFMAP DRAM BW,\n";
  for (int i = 0; i < report.layers_size(); ++i) {
    const auto& l = report.layers(i);
    const auto cycles = static_cast<double>(l.total_cycles());
    out << i << ", " << python_float_repr(static_cast<double>(l.sram_ifmap_reads()) / cycles)
        << ", " << python_float_repr(static_cast<double>(l.sram_filter_reads()) / cycles) << ", "
        << python_float_repr(static_cast<double>(l.sram_ofmap_writes()) / cycles) << ", "
        << python_float_repr(words_per_cycle(l.dram_ifmap_reads(), l, l.dram_ifmap_window()))
        << ", "
        << python_float_repr(words_per_cycle(l.dram_filter_reads(), l, l.dram_filter_window()))
        << ", "
        << python_float_repr(words_per_cycle(l.dram_ofmap_writes(), l, l.dram_ofmap_window()))
        << ",\n";
  }
  return out.str();
}

std::string scalesim_detailed_access_report(const v1::SimReport& report) {
  require_windows(report, "DETAILED_ACCESS_REPORT.csv");
  std::ostringstream out;
  out << "LayerID, SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads, SRAM Filter "
         "Start Cycle, SRAM Filter Stop Cycle, SRAM Filter Reads, SRAM OFMAP Start Cycle, SRAM "
         "OFMAP Stop Cycle, SRAM OFMAP Writes, DRAM IFMAP Start Cycle, DRAM IFMAP Stop Cycle, "
         "DRAM IFMAP Reads, DRAM Filter Start Cycle, DRAM Filter Stop Cycle, DRAM Filter Reads, "
         "DRAM OFMAP Start Cycle, DRAM OFMAP Stop Cycle, DRAM OFMAP Writes,\n";
  for (int i = 0; i < report.layers_size(); ++i) {
    const auto& l = report.layers(i);
    auto stream = [&](const v1::AccessWindow& w, uint64_t count) {
      out << ", " << cycle(w.start_cycle()) << ", " << cycle(w.stop_cycle()) << ", " << count;
    };
    out << i;
    stream(l.sram_ifmap_window(), l.sram_ifmap_reads());
    stream(l.sram_filter_window(), l.sram_filter_reads());
    stream(l.sram_ofmap_window(), l.sram_ofmap_writes());
    stream(l.dram_ifmap_window(), l.dram_ifmap_reads());
    stream(l.dram_filter_window(), l.dram_filter_reads());
    stream(l.dram_ofmap_window(), l.dram_ofmap_writes());
    out << ",\n";
  }
  return out.str();
}

}  // namespace accelgym::accel
