// Feeds requests into a MemorySystem in arrival order and runs it: admission with
// back-pressure (a refused request is offered again the cycle after the slot it waits for
// frees, and requests behind it wait), event-driven advance, completions handed to a callback.
// Used by the trace driver and by accelerators that put the DRAM behind their scratchpads.
#pragma once

#include <functional>
#include <utility>

#include "models/dram/controller.h"

namespace accelgym::dram {

class RequestPump {
 public:
  // `pull` yields the next request in arrival order (false when there is none right now);
  // `done` receives every delivered response.
  using Pull = std::function<bool(MemRequest& out)>;
  using Done = std::function<void(const Completion&)>;

  RequestPump(MemorySystem& system, Pull pull, Done done);

  // Runs until `finished()` holds (checked after every step; an empty function: never) or no
  // work is left: no request to pull and nothing in flight. A request whose address lies
  // beyond the memory's capacity throws InputError; a controller that answers nothing for
  // kStallCycles while requests wait (a scheduling deadlock: a bug) throws InternalError
  // instead of running forever.
  void run_until(const std::function<bool()>& finished);
  // The same, but never advancing past `limit_cycle` (returns there when nothing finished).
  void run_until(const std::function<bool()>& finished, uint64_t limit_cycle);
  // Requests that appeared after the pump ran out of them (e.g. an accelerator enqueued more).
  void more_requests() { exhausted_ = false; }

  uint64_t now() const { return now_; }
  uint64_t last_completion() const { return last_completion_; }

 private:
  // The next request is loaded (decoded, its arrival cycle known); false when none is left.
  bool load_head() { return head_ready_ || load_next(); }
  bool load_next();
  void accept_ready(uint64_t at);  // offers the requests arrived by `at` until one is refused

  MemorySystem& sys_;
  Pull pull_;
  Done done_;
  MemRequest head_{};
  Location head_loc_{};
  uint64_t head_cycle_ = 0;
  bool head_ready_ = false;
  bool blocked_ = false;
  bool reoffer_next_cycle_ = false;  // room was freed on the cycle a run ended early
  bool exhausted_ = false;
  uint64_t now_ = 0;
  uint64_t last_completion_ = 0;
  uint64_t last_progress_ = 0;  // the last cycle a request was accepted or answered
};

}  // namespace accelgym::dram
