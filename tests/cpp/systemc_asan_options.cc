// accelgym_systemc_tests under AddressSanitizer (make test-sanitize): no leak detection, because
// LeakSanitizer's tracer cannot walk SystemC's coroutine stacks (docs/ROBUSTNESS.md). Without
// ASan nothing calls this.
extern "C" const char* __asan_default_options() { return "detect_leaks=0"; }
