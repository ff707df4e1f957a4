// Evaluation record files: read, keyed, then repaired (cut after the last whole record) and
// read again.
#include "sim/core/records.h"
#include "tests/fuzz/fuzz_common.h"

using namespace accelgym;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::as_file(data, size, "records");
  return fuzz::only_input_errors([&] {
    uint64_t seen = 0;
    read_records(
        path,
        [&](const v1::Evaluation& e) {
          evaluation_key(e);
          ++seen;
        },
        true);
    repair_records(path);
    uint64_t after = 0;
    read_records(path, [&](const v1::Evaluation&) { ++after; });
    if (after != seen) std::abort();  // a repair never loses a whole record
  });
}
