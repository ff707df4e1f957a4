// Runs a request stream through the memory system: requests enter at their arrival times
// (waiting while the controller applies back-pressure), and the run ends when the last
// response is delivered.
#pragma once

#include <string>
#include <vector>

#include "accelgym/v1/dram.pb.h"
#include "models/dram/dram_params.h"
#include "workloads/dram_trace.h"

namespace accelgym::dram {

struct Completion;

struct TraceRunOptions {
  std::string latency_out;                         // optional CSV: id,type,arrival_ns,latency_ns
  std::vector<Completion>* completions = nullptr;  // optional: every response, in delivery order
};

class MemorySystem;

// Runs `source` through `system` until the last response; the report's host_time_s excludes
// the time spent reading the trace, which is parse_time_s.
v1::DramReport run_trace(MemorySystem& system, workloads::TraceSource& source,
                         const TraceRunOptions& options = {});

// The same on a fresh memory system built from `config`.
v1::DramReport simulate_trace(workloads::TraceSource& source, const DramConfig& config,
                              const TraceRunOptions& options = {});

}  // namespace accelgym::dram
