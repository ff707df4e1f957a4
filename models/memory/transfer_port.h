// What an accelerator needs from the memory behind its scratchpads: groups of transfers
// issued at given times, and when each group completes. Implemented in-process by DramPort
// (fast: the controller is called directly) and over TLM-2.0 by the SystemC accelerator's port
// (models/accel/systolic_module.h, the same controller behind a SystemC target socket).
#pragma once

#include <cstdint>

#include "sim/core/errors.h"

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

  // Moves between the scratchpads and the global buffer (on chip). A port that carries them
  // (a SystemC composition with accel::GlobalBufferModule) makes them part of `group`; else
  // the caller times them on its own memory::GlobalBuffer.
  virtual bool carries_on_chip_moves() const { return false; }
  virtual void move_on_chip(uint32_t /*group*/, bool /*is_write*/, uint64_t /*bytes*/,
                            double /*at_ns*/) {
    throw InternalError("TransferPort: this port carries no on-chip moves");
  }
};

}  // namespace accelgym::memory
