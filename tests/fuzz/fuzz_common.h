// Shared by the libFuzzer targets (make fuzz; docs/ROBUSTNESS.md), each of which includes it
// once: a target feeds one parser arbitrary bytes; an InputError is the expected answer to bad
// input, anything else (another exception, a crash, a sanitizer report, a hang past -timeout)
// is a finding. Every target starts under the small limits below.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "sim/core/errors.h"

namespace accelgym::fuzz {

// Small limits, so that an input can make no target run long (they are the limits' job, and
// the code under test must honour them).
inline void use_small_limits() {
  setenv("ACCELGYM_LIMITS",
         "max_input_bytes=1000000,max_line_bytes=4096,max_trace_requests=2000,"
         "max_trace_time_ns=1e6,max_layer_words=1000000",
         1);
}

// The input as a file of this process's own, for readers that take a path.
inline std::string as_file(const uint8_t* data, size_t size, const char* name) {
  const std::string path =
      "/tmp/accelgym-fuzz-" + std::to_string(getpid()) + "-" + std::string(name);
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  return path;
}

// Runs `body`; an InputError is the right answer to bad input, anything else aborts.
template <class Body>
int only_input_errors(Body body) {
  try {
    body();
  } catch (const InputError&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "finding: not an InputError: %s\n", e.what());
    std::abort();
  }
  return 0;
}

}  // namespace accelgym::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  accelgym::fuzz::use_small_limits();
  return 0;
}
