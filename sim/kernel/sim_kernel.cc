#include "sim/kernel/sim_kernel.h"

#include <cstdlib>
#include <systemc>
#include <tlm>

#include "sim/core/errors.h"

// libsystemc's own main() refers to sc_main; accelgym has its own entry points and never
// calls sc_elab_and_sim, so this exists only to satisfy the link. Weak: a user's SystemC top
// linking this library (examples/cpp-consumer/accel_top.cc) brings its own, which wins.
[[gnu::weak]] int sc_main(int, char**) { return 1; }

namespace accelgym::kernel {
namespace {

bool g_session_open = false;  // SystemC runs one context at a time per process

// The startup context: created once, made before any user context, never deleted.
sc_core::sc_simcontext* startup_context() {
  static sc_core::sc_simcontext* startup = [] {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    return sc_core::sc_get_curr_simcontext();
  }();
  return startup;
}

void configure_reports() {
  using sc_core::sc_report_handler;
  // Deprecation notes and infos are noise in a library; warnings are kept out of stdout
  // (JSON output goes there) and errors still throw.
  sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
  sc_report_handler::set_actions(sc_core::SC_ERROR, sc_core::SC_THROW | sc_core::SC_CACHE_REPORT);
  sc_report_handler::set_actions(sc_core::SC_FATAL, sc_core::SC_THROW | sc_core::SC_CACHE_REPORT);
}

}  // namespace

Session::Session() : Session(Options{}) {}

Session::Session(const Options& options) {
  if (g_session_open) throw InternalError("SimKernel: only one Session may exist at a time");
  previous_ = startup_context();
  configure_reports();
  context_ = new sc_core::sc_simcontext();
  sc_core::sc_curr_simcontext = context_;
  sc_core::sc_default_global_context = context_;
  // Femtoseconds (SystemC's default is 1 ps): clock periods such as 1.333 ns (750 MHz) are
  // then represented within a millionth of a cycle, far inside the edge tolerance of
  // sim/core/clock.h; 2^64 fs is still five hours of simulated time.
  sc_core::sc_set_time_resolution(1, sc_core::SC_FS);
  tlm::tlm_global_quantum::instance().set(sc_core::sc_time(options.quantum_ns, sc_core::SC_NS));
  g_session_open = true;
}

Session::~Session() {
  destroy_owned();
  sc_core::sc_curr_simcontext = previous_;
  sc_core::sc_default_global_context = previous_;
  delete context_;
  tlm::tlm_global_quantum::instance().set(sc_core::SC_ZERO_TIME);
  g_session_open = false;
}

void Session::destroy_owned() noexcept {
  for (auto it = owned_.rbegin(); it != owned_.rend(); ++it) it->destroy(it->object);
  owned_.clear();
}

void Session::run() { sc_core::sc_start(); }

void Session::run_for_ns(double limit_ns) {
  sc_core::sc_start(sc_core::sc_time(limit_ns, sc_core::SC_NS));
}

double Session::now_ns() const { return sc_core::sc_time_stamp().to_seconds() * 1e9; }

}  // namespace accelgym::kernel
