// Feeds requests into a MemorySystem in arrival order and runs it: admission with
// back-pressure (a refused request is offered again the cycle after the slot it waits for
// frees, and requests behind it wait), event-driven advance, completions handed to a callback.
// Used by the trace driver and by accelerators that put the DRAM behind their scratchpads.
#pragma once

#include <functional>
#include <limits>
#include <utility>

#include "models/dram/controller.h"

namespace accelgym::dram {

namespace pump_detail {
// No legitimate wait comes close: refreshes, power-down and self-refresh exits take
// thousands of cycles at most; this is ~7 ms of DDR4-2400 time.
constexpr uint64_t kStallCycles = uint64_t{1} << 23;
[[noreturn]] void throw_deadlock(uint64_t now, uint64_t last_progress);
[[noreturn]] void throw_no_progress(uint64_t now);
}  // namespace pump_detail

// `Pull` is callable as bool(MemRequest& out): the next request in arrival order (false when
// there is none right now); `Done` as void(const Completion&): every delivered response. The
// trace driver passes its lambdas (called directly); RequestPump below takes std::functions.
template <class Pull, class Done>
class BasicRequestPump {
 public:
  BasicRequestPump(MemorySystem& system, Pull pull, Done done)
      : sys_(system), pull_(std::move(pull)), done_(std::move(done)) {}

  // Runs until `finished()` holds (checked after every step; an empty function: never) or no
  // work is left: no request to pull and nothing in flight. A request whose address lies
  // beyond the memory's capacity throws InputError; a controller that answers nothing for
  // kStallCycles while requests wait (a scheduling deadlock: a bug) throws InternalError
  // instead of running forever.
  void run_until(const std::function<bool()>& finished) { run_until(finished, kNever); }
  // The same, but never advancing past `limit_cycle` (returns there when nothing finished).
  // With `through_idle`, an idle controller still runs what it schedules on its own
  // (refreshes, power-down) up to the limit, instead of catching up on it when the next
  // request comes: its counters are then current at the limit (fold sampling's snapshots).
  void run_until(const std::function<bool()>& finished, uint64_t limit_cycle,
                 bool through_idle = false);
  // Requests that appeared after the pump ran out of them (e.g. an accelerator enqueued more).
  void more_requests() {
    exhausted_ = false;
    sys_.set_requests_exhausted(false);
  }

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
  double last_arrival_ns_ = std::numeric_limits<double>::quiet_NaN();  // equal to no time
  uint64_t last_arrival_cycle_ = 0;
  bool head_ready_ = false;
  bool blocked_ = false;
  bool reoffer_next_cycle_ = false;  // room was freed on the cycle a run ended early
  bool exhausted_ = false;
  uint64_t now_ = 0;
  uint64_t last_completion_ = 0;
  uint64_t last_progress_ = 0;  // the last cycle a request was accepted or answered
};

using RequestPump =
    BasicRequestPump<std::function<bool(MemRequest& out)>, std::function<void(const Completion&)>>;

template <class Pull, class Done>
bool BasicRequestPump<Pull, Done>::load_next() {
  if (exhausted_ || !pull_(head_)) {
    exhausted_ = true;
    sys_.set_requests_exhausted(true);
    return false;
  }
  head_loc_ = sys_.locate(head_.address);
  // Requests often share an arrival time (a transfer's bursts): its cycle is computed once.
  if (head_.arrival_ns != last_arrival_ns_) {
    last_arrival_ns_ = head_.arrival_ns;
    last_arrival_cycle_ = sys_.cycle_at(head_.arrival_ns);
  }
  head_cycle_ = last_arrival_cycle_;
  head_ready_ = true;
  return true;
}

template <class Pull, class Done>
void BasicRequestPump<Pull, Done>::accept_ready(uint64_t at) {
  while (!blocked_ && load_head() && head_cycle_ <= at) {
    if (!sys_.try_accept(head_, head_loc_, at)) {
      blocked_ = true;
      return;
    }
    head_ready_ = false;
    last_progress_ = at;
  }
}

template <class Pull, class Done>
void BasicRequestPump<Pull, Done>::run_until(const std::function<bool()>& finish_check,
                                             uint64_t limit_cycle, bool through_idle) {
  auto finished = [&finish_check] { return finish_check && finish_check(); };
  while (!finished() && now_ < limit_cycle) {
    // A refused request is offered again only once the slot that refused it has been freed.
    if (blocked_ && sys_.take_refused_may_fit()) blocked_ = false;
    accept_ready(now_);
    uint64_t next = sys_.advance(now_);
    for (const Completion& c : sys_.completions()) {
      last_completion_ = std::max(last_completion_, c.cycle);
      done_(c);
    }
    if (!sys_.completions().empty()) last_progress_ = now_;
    sys_.completions().clear();
    if (now_ > last_progress_ + pump_detail::kStallCycles && sys_.busy()) {
      pump_detail::throw_deadlock(now_, last_progress_);
    }
    if (finished()) {
      // The caller may add requests at this cycle and resume here: a refused request is still
      // offered again only from the next cycle, as if the loop had gone on.
      if (blocked_ && sys_.take_refused_may_fit()) reoffer_next_cycle_ = true;
      return;
    }
    const bool have_head = load_head();
    const bool own_work = through_idle && next != kNever && next <= limit_cycle;
    if (!have_head && !sys_.busy() && !own_work) {  // nothing left to do: idle up to the limit
      if (limit_cycle != kNever) now_ = std::max(now_, limit_cycle);
      return;
    }
    if (blocked_ && (std::exchange(reoffer_next_cycle_, false) | sys_.take_refused_may_fit())) {
      // Offer the refused request (and those behind it) for the next cycle right away:
      // nothing happens between now and now + 1, so this is what the next cycle would do,
      // without an advance() at now + 1 only for that.
      blocked_ = false;
      sys_.take_accept_wake();
      accept_ready(now_ + 1);
      next = std::min(next, sys_.take_accept_wake());
    }
    if (load_head() && !blocked_) next = std::min(next, std::max(head_cycle_, now_ + 1));
    if (next == kNever || next <= now_) pump_detail::throw_no_progress(now_);
    now_ = std::min(next, std::max(limit_cycle, now_ + 1));
  }
}

}  // namespace accelgym::dram
