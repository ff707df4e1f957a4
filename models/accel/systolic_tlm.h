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
#include "models/accel/hetero.h"
#include "models/accel/systolic_evaluator.h"
#include "models/dram/dram_params.h"

namespace accelgym::accel {

// Builds a SimKernel session with a SystolicAccelerator bound to a dram::DramTarget (and, when
// the design has a global buffer, to a GlobalBufferModule), runs `network` to completion and
// returns the report (memory mode dram).
v1::SimReport simulate_systolic_tlm(const v1::Network& network,
                                    const compute::SystolicConfig& config,
                                    const energy::Technology& technology,
                                    const dram::DramConfig& dram);

// Heterogeneous sub-accelerators (models/accel/hetero.h) as a SystemC composition: one
// SystolicAccelerator per sub-accelerator that runs anything (its networks' layers in order),
// bound through a dram::InitiatorMux to one DramTarget whose controller holds each to its
// share of outstanding requests (SubAccelerator::max_outstanding), as simulate_hetero does in
// process. The same result fields; area and on-chip energy as simulate_hetero computes them.
HeteroResult simulate_hetero_tlm(const std::vector<SubAccelerator>& subs,
                                 const dram::DramConfig& dram,
                                 const energy::Technology& technology);

}  // namespace accelgym::accel
