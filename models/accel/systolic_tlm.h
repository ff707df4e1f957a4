// The systolic accelerator as a SystemC module in front of the DRAM's TLM-2.0 target.
//
// One SC_THREAD runs the network layer by layer with the same fold timing and tile traffic as
// simulate_systolic in memory mode dram (models/accel/dram_backed.h): per fold one timed
// wait, never an event per PE or per cycle. Its tile prefetches and output drains leave
// through an initiator socket as approximately timed transactions (BEGIN_REQ / END_REQ with
// the target's back-pressure, BEGIN_RESP answered with TLM_COMPLETED), one DRAM burst each.
//
// simulate_systolic reaches the same controller through in-process calls (memory::DramPort)
// because it is ~100x faster; this module is the SystemC composition of the same model, for
// co-simulation with other TLM components, and tests/cpp/systolic_tlm_test.cc checks that
// both give the same cycles and DRAM traffic.
#pragma once

#include "accelgym/v1/result.pb.h"
#include "accelgym/v1/workload.pb.h"
#include "models/accel/systolic_evaluator.h"
#include "models/dram/dram_params.h"

namespace accelgym::accel {

// Builds a SimKernel session with a SystolicAccelerator bound to a dram::DramTarget, runs
// `network` to completion and returns the report (memory mode dram).
v1::SimReport simulate_systolic_tlm(const v1::Network& network,
                                    const compute::SystolicConfig& config,
                                    const energy::Technology& technology,
                                    const dram::DramConfig& dram);

}  // namespace accelgym::accel
