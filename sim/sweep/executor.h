// Where a sweep's tasks run: in this process, in forked local worker processes, on MPI ranks
// (or, from Python, on Dask workers). Every executor writes the records of the tasks it runs
// to its own append-only files and hands them back to the coordinator.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "accelgym/v1/sweep.pb.h"
#include "sim/core/records.h"
#include "sim/sweep/coordinator.h"
#include "sim/sweep/setup.h"

namespace accelgym::sweep {

class Executor {
 public:
  virtual ~Executor() = default;
  virtual size_t capacity() const = 0;  // tasks it runs at once
  virtual void submit(const v1::SweepTask& task) = 0;
  // Blocks until a submitted task ends: (task id, its record; FAILED after a crash or timeout).
  virtual std::pair<uint64_t, v1::Evaluation> wait() = 0;
};

// Runs tasks one at a time in the calling process (no isolation: a crash ends the process).
class InProcessExecutor final : public Executor {
 public:
  InProcessExecutor(const SweepSetup& setup, const std::string& records_path);
  size_t capacity() const override { return 1; }
  void submit(const v1::SweepTask& task) override;
  std::pair<uint64_t, v1::Evaluation> wait() override;

 private:
  const SweepSetup& setup_;
  RecordWriter writer_;
  v1::SweepTask task_;
  bool pending_ = false;
};

// Feeds the executor from the coordinator until the sweep is finished; `progress` is called
// after every completion.
void drive(Coordinator& coordinator, Executor& executor,
           const std::function<void()>& progress = {});

}  // namespace accelgym::sweep
