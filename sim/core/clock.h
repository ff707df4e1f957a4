// Times in ns to clock cycles, one rule for every model: a time within a thousandth of a cycle
// of a clock edge is that edge, so floating-point noise and SystemC's time resolution never
// add a cycle (the direct and the SystemC engines count the same cycles).
#pragma once

#include <cstdint>

namespace accelgym {

// The first edge at or after `ns` of a clock with period `period_ns` starting at 0, as a cycle
// count (0 for times at or before 0). No libm calls: the DRAM model runs this per request.
inline uint64_t cycles_to_edge(double ns, double period_ns) {
  const double cycles = ns / period_ns;
  if (!(cycles > 0)) return 0;
  const auto whole = static_cast<uint64_t>(cycles);  // rounded down
  // Within a thousandth above the edge `whole`: that edge. Otherwise the next edge, which is
  // also the nearest one when the time lies within a thousandth below it.
  return cycles - static_cast<double>(whole) < 1e-3 ? whole : whole + 1;
}

// cycles_to_edge(ns, period_ns) with `per_period` = 1 / period_ns: a multiplication instead of a
// division on per-request paths, with the same answer. The product differs from the quotient
// by a few ulps, which can only matter within the thousandth's bounds: near an edge either way
// rounds to that edge. Close to the thousandth after an edge, it divides.
inline uint64_t cycles_to_edge(double ns, double period_ns, double per_period) {
  const double cycles = ns * per_period;
  if (cycles < 0x1p52) {
    const auto whole = static_cast<uint64_t>(cycles > 0 ? cycles : 0);
    const double past_thousandth = cycles - static_cast<double>(whole) - 1e-3;
    const double margin = cycles * 0x1p-49;  // well above the two roundings' error
    if (past_thousandth > margin) return whole + 1;
    if (past_thousandth < -margin) return whole;
  }
  return cycles_to_edge(ns, period_ns);
}

}  // namespace accelgym
