#include "models/dram/pump.h"

#include "sim/core/errors.h"

namespace accelgym::dram {

RequestPump::RequestPump(MemorySystem& system, Pull pull, Done done)
    : sys_(system), pull_(std::move(pull)), done_(std::move(done)) {}

bool RequestPump::load_next() {
  if (exhausted_ || !pull_(head_)) {
    exhausted_ = true;
    return false;
  }
  head_loc_ = sys_.locate(head_.address);
  head_cycle_ = sys_.cycle_at(head_.arrival_ns);
  head_ready_ = true;
  return true;
}

namespace {
// No legitimate wait comes close: refreshes, power-down and self-refresh exits take
// thousands of cycles at most; this is ~7 ms of DDR4-2400 time.
constexpr uint64_t kStallCycles = uint64_t{1} << 23;
}  // namespace

void RequestPump::accept_ready(uint64_t at) {
  while (!blocked_ && load_head() && head_cycle_ <= at) {
    if (!sys_.try_accept(head_, head_loc_, at)) {
      blocked_ = true;
      return;
    }
    head_ready_ = false;
    last_progress_ = at;
  }
}

void RequestPump::run_until(const std::function<bool()>& finished) { run_until(finished, kNever); }

void RequestPump::run_until(const std::function<bool()>& finish_check, uint64_t limit_cycle) {
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
    if (now_ > last_progress_ + kStallCycles && sys_.busy()) {
      throw InternalError("DRAM controller answered no request for " +
                          std::to_string(now_ - last_progress_) + " cycles (cycle " +
                          std::to_string(now_) + ") while requests wait: a scheduling deadlock");
    }
    if (finished()) {
      // The caller may add requests at this cycle and resume here: a refused request is still
      // offered again only from the next cycle, as if the loop had gone on.
      if (blocked_ && sys_.take_refused_may_fit()) reoffer_next_cycle_ = true;
      return;
    }
    const bool have_head = load_head();
    if (!have_head && !sys_.busy()) {  // nothing left to do: idle up to the limit
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
    if (next == kNever || next <= now_) {
      throw InternalError("DRAM controller made no progress at cycle " + std::to_string(now_));
    }
    now_ = std::min(next, std::max(limit_cycle, now_ + 1));
  }
}

}  // namespace accelgym::dram
