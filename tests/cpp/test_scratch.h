// Scratch files for one test: a directory of its own under GoogleTest's TempDir() (ctest
// points TEST_TMPDIR at build/test-tmp), unique per test run so concurrent test processes never
// share a file, and removed with its contents when the test ends.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace accelgym::testing_scratch {

class ScratchDir {
 public:
  ScratchDir() : dir_(::testing::TempDir() + "accelgym-test-XXXXXX") {
    if (!mkdtemp(dir_.data())) throw std::runtime_error("cannot create a directory in " + dir_);
  }
  ~ScratchDir() {
    std::error_code ignored;  // a test's leftovers are not worth failing it for
    std::filesystem::remove_all(dir_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  // A path inside the directory (nothing is created there).
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

 private:
  std::string dir_;
};

}  // namespace accelgym::testing_scratch
