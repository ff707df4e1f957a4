// What an accelerator needs from the memory behind its scratchpads: groups of transfers
// issued at given times, and when each group completes. Implemented in-process by DramPort
// (fast: the controller is called directly) and over TLM-2.0 by TlmTransferPort
// (models/accel/systolic_tlm.h, the same controller behind a SystemC target socket).
#pragma once

#include <cstdint>

namespace accelgym::memory {

class TransferPort {
 public:
  virtual ~TransferPort() = default;
  virtual uint64_t capacity_bytes() const = 0;
  // Opens a group of requests issued together (e.g. one tile prefetch).
  virtual uint32_t group() = 0;
  // `bytes` from `address` as consecutive bursts, issued at `at_ns` by `initiator`. Calls
  // must come in non-decreasing `at_ns`.
  virtual void transfer(uint32_t group, bool is_write, uint64_t address, uint64_t bytes,
                        double at_ns, uint32_t initiator) = 0;
  // When the last request of `group` completed (its issue time when it is empty).
  virtual double wait(uint32_t group) = 0;
};

}  // namespace accelgym::memory
