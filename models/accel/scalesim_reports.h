// SCALE-Sim v2's report files (COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv,
// DETAILED_ACCESS_REPORT.csv) from a SimReport, byte for byte as SCALE-Sim writes them: its
// headers, ", " separators, trailing commas, and floats printed as Python's repr() does.
#pragma once

#include <string>

#include "accelgym/v1/result.pb.h"

namespace accelgym::accel {

// Python's repr() of a float: shortest round-trip digits, "100.0", "1e-05", "1.5e+16".
std::string python_float_repr(double value);

// Whether the report has SCALE-Sim's access windows (USER mode, or CALC with its estimates),
// which the bandwidth and detailed-access reports need.
bool has_scalesim_windows(const v1::SimReport& report);

std::string scalesim_compute_report(const v1::SimReport& report);
// Bandwidth and detailed-access reports need SCALE-Sim's access windows (memory mode
// scalesim-bw, or scalesim-calc with its DRAM estimates); InputError for reports without them.
std::string scalesim_bandwidth_report(const v1::SimReport& report);
std::string scalesim_detailed_access_report(const v1::SimReport& report);

}  // namespace accelgym::accel
