// How an accelerator and its DRAM are simulated: the `direct` engine (in-process calls to the
// DRAM model, models/accel/systolic_evaluator.h) or the `systemc` one (the accelerator as a
// SystemC module sending TLM-2.0 transactions to the DRAM target, models/accel/systolic_tlm.h:
// every fold simulated, dram-exact's numbers). The SystemC engine is in a library of its own
// (accelgym::systemc, the only one that links SystemC) that a program links (the Python module,
// the tests) or loads on demand (the binary's plugin); that program makes it reachable here,
// once, so that code linking only the models (envs, searchers, sweeps) can run it.
#pragma once

#include <functional>
#include <string>

#include "accelgym/v1/result.pb.h"
#include "accelgym/v1/workload.pb.h"
#include "models/accel/hetero.h"
#include "models/accel/systolic_evaluator.h"

namespace accelgym::accel {

enum class Engine { kDirect, kSystemc };

// "direct" or "systemc"; InputError naming `what` (e.g. "--engine") otherwise.
Engine parse_engine(const std::string& text, const std::string& what);
const char* engine_name(Engine engine);

using SystemcSimulate = v1::SimReport (*)(const v1::Network& network,
                                          const compute::SystolicConfig& config,
                                          const energy::Technology& technology,
                                          const dram::DramConfig& dram);

using SystemcSimulateHetero = HeteroResult (*)(const std::vector<SubAccelerator>& subs,
                                               const dram::DramConfig& dram,
                                               const energy::Technology& technology);

// The SystemC engine's entry points (models/accel/systolic_tlm.h).
struct SystemcEngine {
  SystemcSimulate systolic = nullptr;
  SystemcSimulateHetero hetero = nullptr;
};

// Makes the SystemC engine reachable: `find` returns it (it may load a plugin; called once,
// the first time the engine runs, and never if it does not). A later call replaces an earlier
// one that has not been used yet.
void provide_systemc_engine(std::function<SystemcEngine()> find);

// InputError naming `what` unless `engine` is the direct one or this program provided the
// SystemC engine.
void check_engine_available(Engine engine, const std::string& what);
// The same, and the SystemC engine needs memory dram or dram-exact (the other modes have no
// DRAM).
void check_engine(Engine engine, const MemoryModel& memory, const std::string& what);

// simulate_systolic with the engine given (checked as check_engine() does).
v1::SimReport simulate_systolic_on(Engine engine, const v1::Network& network,
                                   const compute::SystolicConfig& config, const MemoryModel& memory,
                                   const energy::Technology& technology,
                                   const dram::DramConfig& dram);

// simulate_hetero with the engine given (the SystemC engine simulates every fold).
HeteroResult simulate_hetero_on(Engine engine, const std::vector<SubAccelerator>& subs,
                                const dram::DramConfig& dram, const energy::Technology& technology,
                                bool sample_folds);

}  // namespace accelgym::accel
