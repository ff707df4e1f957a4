// SimKernel: the one place that touches SystemC's global state (docs/DESIGN.md §3).
//
// SystemC cannot elaborate again after sc_start in the same context (E529). Each evaluation
// therefore gets a fresh sc_simcontext through a SimKernel::Session:
//
//   SimKernel::Session session;                // new context, made current
//   auto& top = session.make<MyModule>("top");  // modules owned by the session
//   session.run();                              // sc_start until no activity left
//   read results from top ...
//   // ~Session: modules destroyed while their context is current, then the context deleted
//   // and the startup context restored.
//
// Only one Session may exist at a time in a process (SystemC runs one context at a time);
// parallelism is processes. Rules kept here so no model needs to know them:
// - the startup context is created once and never deleted;
// - every context created is deleted (a leaked one costs ~65 kB);
// - SC_THREAD locals must be trivially destructible (a suspended thread's stack is freed
//   without unwinding), and model threads return before the simulation stops (under
//   AddressSanitizer a stack freed with its frames poisoned trips the next thread given it);
// - the TLM global quantum and report settings are set again for every session.
#pragma once

#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace sc_core {
class sc_simcontext;
class sc_time;
}  // namespace sc_core

namespace accelgym::kernel {

class Session {
 public:
  struct Options {
    double quantum_ns = 1000.0;  // TLM-2.0 global quantum for loosely timed initiators
  };

  Session();
  explicit Session(const Options& options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Constructs an object (module, event, signal) owned by this session; it is destroyed
  // before the context, in reverse order of creation.
  template <class T, class... Args>
  T& make(Args&&... args) {
    auto object = std::make_unique<T>(std::forward<Args>(args)...);
    T& ref = *object;
    owned_.push_back(Owned{object.release(), [](void* p) { delete static_cast<T*>(p); }});
    return ref;
  }

  // Runs the simulation until no event is pending (or until `limit_ns` of simulated time
  // when given). Exceptions thrown by models propagate; the session stays destroyable and
  // the kernel usable for the next session.
  void run();
  void run_for_ns(double limit_ns);
  double now_ns() const;

 private:
  struct Owned {
    void* object;
    void (*destroy)(void*);
  };
  void destroy_owned() noexcept;

  sc_core::sc_simcontext* context_ = nullptr;
  sc_core::sc_simcontext* previous_ = nullptr;
  std::vector<Owned> owned_;
};

}  // namespace accelgym::kernel
