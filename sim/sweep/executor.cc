#include "sim/sweep/executor.h"

#include "sim/core/errors.h"

namespace accelgym::sweep {

InProcessExecutor::InProcessExecutor(const SweepSetup& setup, const std::string& records_path)
    : setup_(setup), writer_(records_path) {}

void InProcessExecutor::submit(const v1::SweepTask& task) {
  if (pending_) throw InternalError("InProcessExecutor runs one task at a time");
  task_ = task;
  pending_ = true;
}

std::pair<uint64_t, v1::Evaluation> InProcessExecutor::wait() {
  if (!pending_) throw InternalError("InProcessExecutor::wait with no task");
  pending_ = false;
  v1::Evaluation record = setup_.evaluate(task_);
  writer_.append(record);
  return {task_.id(), std::move(record)};
}

void drive(Coordinator& coordinator, Executor& executor, const std::function<void()>& progress) {
  size_t running = 0;
  for (;;) {
    while (running < executor.capacity()) {
      auto task = coordinator.next();
      if (!task) break;
      executor.submit(*task);
      ++running;
    }
    if (running == 0) break;
    auto [id, record] = executor.wait();
    --running;
    coordinator.complete(id, std::move(record));
    if (progress) progress();
  }
  if (!coordinator.finished()) throw InternalError("sweep stopped with work left");
}

}  // namespace accelgym::sweep
