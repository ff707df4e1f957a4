#include "sim/sweep/process_pool.h"

#include <fmt/format.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "sim/core/errors.h"
#include "sim/sweep/wire.h"

namespace accelgym::sweep {
namespace {

constexpr int kOutsideKillRetries = 2;

std::string describe_end(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    return fmt::format("the evaluation crashed its worker: signal {} ({})", sig, strsignal(sig));
  }
  return fmt::format("the worker exited with code {} during the evaluation", WEXITSTATUS(status));
}

// The worker process: evaluate, append the record, reply; until the coordinator hangs up.
[[noreturn]] void worker_main(const SweepSetup& setup, int fd, pid_t parent,
                              const std::string& records) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // a hung worker must not outlive a killed coordinator
  if (getppid() != parent) _exit(0);
  // Crash handlers inherited from the parent (MPI installs some) would print a backtrace per
  // failed task; the failure record already names the signal.
  for (int sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) signal(sig, SIG_DFL);
  int code = 0;
  try {
    RecordWriter writer(records);
    std::string frame;
    while (read_frame(fd, &frame)) {
      v1::SweepTask task;
      if (!task.ParseFromString(frame)) throw InternalError("malformed task");
      const v1::Evaluation record = setup.evaluate(task);
      writer.append(record);  // on disk before the coordinator hears of it
      record.SerializeToString(&frame);
      if (!write_frame(fd, frame)) break;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "accelgym sweep worker %d: %s\n", static_cast<int>(getpid()), e.what());
    code = 1;
  }
  _exit(code);  // no destructors or atexit handlers of the coordinator's state
}

}  // namespace

ProcessPool::ProcessPool(const SweepSetup& setup, size_t workers, double timeout_s,
                         std::string prefix)
    : setup_(setup), timeout_s_(timeout_s), prefix_(std::move(prefix)), workers_(workers) {
  if (workers == 0) throw InputError("a process pool needs at least one worker");
  for (size_t i = 0; i < workers_.size(); ++i) {
    workers_[i].records = prefix_ + "-w" + std::to_string(i) + ".records";
    repair_records(workers_[i].records);  // a resumed run may append to an earlier file
    spawn(i);
  }
}

ProcessPool::~ProcessPool() {
  // Idle workers wait in read() with every record flushed, so killing them loses nothing; a
  // busy one's task is abandoned (its record, if half written, is cut on the next open).
  for (auto& w : workers_) {
    if (w.fd >= 0) close(w.fd);
    if (w.pid > 0) kill(w.pid, SIGKILL);
  }
  for (auto& w : workers_) {
    if (w.pid > 0) waitpid(w.pid, nullptr, 0);
  }
}

void ProcessPool::spawn(size_t i) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
    throw InternalError(std::string("socketpair: ") + std::strerror(errno));
  }
  std::fflush(nullptr);  // nothing buffered may be written twice
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw InternalError(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // Keep only stdio and this worker's socket: an inherited end of another worker's socket
    // (of this pool or any other in the process) would hide that worker's hang-ups.
    const int fd = fds[1];
    if (fd > 3) close_range(3, static_cast<unsigned>(fd - 1), 0);
    close_range(static_cast<unsigned>(fd + 1), ~0U, 0);
    worker_main(setup_, fd, parent, workers_[i].records);
  }
  close(fds[1]);
  workers_[i].pid = pid;
  workers_[i].fd = fds[0];
  workers_[i].busy = false;
}

void ProcessPool::send(Worker& worker, const v1::SweepTask& task) {
  worker.task = task;
  worker.busy = true;
  worker.start = Clock::now();
  // A worker that died since is noticed by wait() (end of file), which then handles the task.
  write_frame(worker.fd, task.SerializeAsString());
}

void ProcessPool::submit(const v1::SweepTask& task) {
  for (auto& w : workers_) {
    if (!w.busy) return send(w, task);
  }
  throw InternalError("ProcessPool::submit with every worker busy");
}

std::pair<uint64_t, v1::Evaluation> ProcessPool::wait() {
  for (;;) {
    std::vector<pollfd> polled;
    std::vector<size_t> index;
    int timeout_ms = -1;
    const auto now = Clock::now();
    for (size_t i = 0; i < workers_.size(); ++i) {
      if (!workers_[i].busy) continue;
      polled.push_back({workers_[i].fd, POLLIN, 0});
      index.push_back(i);
      if (timeout_s_ > 0) {
        const double left =
            timeout_s_ - std::chrono::duration<double>(now - workers_[i].start).count();
        const int ms = static_cast<int>(std::ceil(std::max(0.0, left) * 1000));
        timeout_ms = timeout_ms < 0 ? ms : std::min(timeout_ms, ms);
      }
    }
    if (polled.empty()) throw InternalError("ProcessPool::wait with no task running");
    const int ready = poll(polled.data(), polled.size(), timeout_ms);
    if (ready < 0 && errno != EINTR)
      throw InternalError(std::string("poll: ") + std::strerror(errno));
    for (size_t p = 0; ready > 0 && p < polled.size(); ++p) {
      if (polled[p].revents == 0) continue;
      Worker& w = workers_[index[p]];
      std::string frame;
      v1::Evaluation record;
      const bool got_frame = read_frame(w.fd, &frame);
      if (got_frame && record.ParseFromString(frame)) {
        w.busy = false;
        return {w.task.id(), std::move(record)};
      }
      if (got_frame) kill(w.pid, SIGKILL);  // a garbled reply: treat the worker as lost
      const uint64_t id = w.task.id();
      if (auto r = after_death(index[p], false)) return {id, std::move(*r)};
    }
    if (timeout_s_ <= 0) continue;
    for (size_t i = 0; i < workers_.size(); ++i) {
      Worker& w = workers_[i];
      if (!w.busy || std::chrono::duration<double>(Clock::now() - w.start).count() < timeout_s_)
        continue;
      const uint64_t id = w.task.id();
      return {id, *after_death(i, true)};
    }
  }
}

std::optional<v1::Evaluation> ProcessPool::after_death(size_t i, bool timed_out) {
  Worker& w = workers_[i];
  const v1::SweepTask task = w.task;
  const double wall_s = std::chrono::duration<double>(Clock::now() - w.start).count();
  if (timed_out) kill(w.pid, SIGKILL);
  int status = 0;
  while (waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
  }
  close(w.fd);
  w.pid = -1;
  w.fd = -1;
  w.busy = false;
  // It may have written the record just before it ended: then that record is the answer.
  const std::optional<v1::Evaluation> last = repair_records(w.records);
  spawn(i);
  const std::string key = setup_.env(task.job())
                              .identity(IndexVector(task.design().begin(), task.design().end()),
                                        setup_.job(task.job()).seed)
                              .key();
  if (last && last->key() == key) return last;
  std::string why;
  if (timed_out) {
    why = fmt::format("timed out after {:g} s", timeout_s_);
  } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL &&
             outside_kills_[task.id()]++ < kOutsideKillRetries) {
    send(workers_[i], task);  // killed from outside, not by its evaluation: try again
    return std::nullopt;
  } else {
    why = describe_end(status);
  }
  v1::Evaluation record = setup_.failed(task, why, wall_s);
  if (!failures_) failures_ = std::make_unique<RecordWriter>(prefix_ + "-failures.records");
  failures_->append(record);
  return record;
}

}  // namespace accelgym::sweep
