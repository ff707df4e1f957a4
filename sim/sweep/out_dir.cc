#include "sim/sweep/out_dir.h"

#include <fcntl.h>
#include <google/protobuf/util/message_differencer.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <filesystem>

#include "sim/core/errors.h"
#include "sim/core/file_io.h"
#include "sim/core/proto_io.h"
#include "sim/core/records.h"

namespace accelgym::sweep {
namespace fs = std::filesystem;
namespace {

// Fields a resumed run may change: they decide how, not what, is evaluated.
v1::SweepSpec what_is_evaluated(v1::SweepSpec spec) {
  spec.clear_workers();
  spec.clear_timeout_s();
  return spec;
}

int last_run(const std::string& dir) {
  int last = 0;
  for (const auto& f : record_files(dir)) {
    const std::string name = fs::path(f).filename().string();
    if (name.rfind("run", 0) == 0) last = std::max(last, std::atoi(name.c_str() + 3));
  }
  return last;
}

// An exclusive, non-blocking flock on DIR/lock; released when the descriptor closes (also when
// the process dies, however).
std::shared_ptr<const int> lock_directory(const std::string& dir) {
  const std::string path = dir + "/lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw_os_error(path, "cannot open the sweep's lock file", errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) {
      throw InputError(dir + ": another accelgym sweep is running in this directory (" + path +
                       " is locked); wait for it to end before --resume");
    }
    throw_os_error(path, "cannot lock", error);
  }
  return std::shared_ptr<const int>(new int(fd), [](const int* p) {
    ::close(*p);
    delete p;
  });
}

}  // namespace

OutDir::OutDir(std::string dir, const v1::SweepSpec& spec, bool resume) : dir_(std::move(dir)) {
  std::error_code error;
  fs::create_directories(dir_, error);
  if (error) throw InputError(dir_ + ": cannot create the output directory: " + error.message());
  lock_ = lock_directory(dir_);
  const std::string saved = dir_ + "/sweep.json";
  const bool started = fs::exists(saved) || !record_files(dir_).empty();
  if (started && !resume) {
    throw InputError(
        dir_ + " already holds a sweep: pass --resume to continue it, or choose another --out");
  }
  if (started) {
    v1::SweepSpec before;
    load_json_file(saved, &before);
    if (!google::protobuf::util::MessageDifferencer::Equals(what_is_evaluated(before),
                                                            what_is_evaluated(spec))) {
      throw InputError(dir_ + ": the spec differs from the one this sweep started with (" + saved +
                       "); only workers and timeoutS may change on --resume");
    }
  }
  write_text_file_atomically(saved, to_json(spec));
  run_ = last_run(dir_) + 1;
}

std::string OutDir::prefix(const std::string& who) const {
  return dir_ + "/run" + std::to_string(run_) + "-" + who;
}

uint64_t OutDir::load_previous(Coordinator& coordinator, bool retry_failed) const {
  uint64_t n = 0;
  for (const auto& f : record_files(dir_)) {
    read_records(f, [&](const v1::Evaluation& e) {
      coordinator.add_previous(e, retry_failed);
      ++n;
    });
  }
  return n;
}

void OutDir::write_summary(const v1::SweepSummary& summary) const {
  write_text_file_atomically(dir_ + "/summary.json", to_report_json(summary) + "\n");
}

}  // namespace accelgym::sweep
