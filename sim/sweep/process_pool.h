// Local worker processes for a sweep: forked from the coordinator once its envs are built,
// each evaluating tasks in a loop and appending its records to its own file before replying.
// A task whose worker crashes (signal or exit) is recorded FAILED with the cause; one running
// longer than the timeout is killed and recorded FAILED; a worker killed from outside
// (SIGKILL, e.g. the OOM killer) is replaced and its task retried twice. The worker is
// replaced in every case and the sweep goes on.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/sweep/executor.h"

namespace accelgym::sweep {

class ProcessPool final : public Executor {
 public:
  // Worker i writes `prefix-w<i>.records`; FAILED records of tasks that ended without a reply
  // go to `prefix-failures.records`. timeout_s = 0: no timeout.
  ProcessPool(const SweepSetup& setup, size_t workers, double timeout_s, std::string prefix);
  ~ProcessPool() override;
  ProcessPool(const ProcessPool&) = delete;
  ProcessPool& operator=(const ProcessPool&) = delete;

  size_t capacity() const override { return workers_.size(); }
  void submit(const v1::SweepTask& task) override;
  std::pair<uint64_t, v1::Evaluation> wait() override;

 private:
  using Clock = std::chrono::steady_clock;
  struct Worker {
    pid_t pid = -1;
    int fd = -1;
    std::string records;
    bool busy = false;
    v1::SweepTask task;
    Clock::time_point start;
  };

  void spawn(size_t i);
  void send(Worker& worker, const v1::SweepTask& task);
  // The worker ended without replying: its record, or nothing when the task was resubmitted.
  std::optional<v1::Evaluation> after_death(size_t i, bool timed_out);

  const SweepSetup& setup_;
  double timeout_s_;
  std::string prefix_;
  std::vector<Worker> workers_;
  std::unique_ptr<RecordWriter> failures_;
  std::map<uint64_t, int> outside_kills_;  // per task id
};

}  // namespace accelgym::sweep
