// The DRAM controller's behaviour stated plainly, as a test oracle for MemorySystem
// (controller.h). Every cycle, each channel looks at every rank and bank afresh and issues at
// most one command; whether a command may issue is read from the standard's rule table
// (build_rules(), docs/reference/dram.md) against a record of when each command last issued at
// each node. No caches, no event scheduling, no vector scan, no pruned rules: slow (every cycle
// costs every bank), so it runs short traces in tests (tests/cpp/dram_reference_test.cc), where
// MemorySystem's commands, responses and activity must equal its own exactly.
//
// The policies, in the order a cycle applies them (reference_controller.cc):
//   1. admission: requests enter in arrival order, each at the first cycle at or after its
//      arrival at which its buffer (SchedulerBuffer, RequestBufferSize) and its initiator
//      (Arbiter, MaxActiveTransactions) have room; a refused request holds back those behind it;
//   2. each rank's own command: refresh (all-bank REF after PREA, or per-bank REFPB after PRE,
//      once due while the rank is idle, or forced after RefreshMaxPostponed), power-down entry
//      and exit, self-refresh entry and exit (PowerDownPolicy Staggered);
//   3. each bank's scheduler picks a request (Fifo: the oldest; FrFcfs: the oldest row hit,
//      else the oldest; FrFcfsGrp: among row hits, the oldest in the direction of the last read
//      or write) and the command it needs (ACT, PRE, or a read or write that auto-precharges as
//      the PagePolicy says);
//   4. of the commands whose timing and request delay have passed, one issues: refreshes and
//      power-down or self-refresh exits first, then requests' commands oldest request first,
//      then power-down entry; banks held by a forced refresh or a powered-down rank wait, and
//      with CmdMux Strict reads and writes leave in request order;
//   5. responses due are delivered (RespQueue Reorder or Arbiter Reorder: in request order).
#pragma once

#include <cstdint>
#include <vector>

#include "models/dram/controller.h"

namespace accelgym::dram {

struct ReferenceRun {
  std::vector<IssuedCommand> commands;  // in issue order: by cycle, then channel
  std::vector<Completion> completions;  // in delivery order
  Activity activity;                    // up to the last delivery
};

// Runs `requests` (in arrival order; the cookie names each in commands and completions)
// through the controller `config` describes. `initiator_limits[i]`, when > 0, caps initiator
// i's outstanding requests as MemorySystem::set_initiator_limit does. InputError for an address
// beyond the memory's capacity; InternalError if nothing is accepted or answered for 2^22
// cycles while requests wait.
ReferenceRun run_reference_controller(const DramConfig& config,
                                      const std::vector<MemRequest>& requests,
                                      const std::vector<uint32_t>& initiator_limits = {});

}  // namespace accelgym::dram
