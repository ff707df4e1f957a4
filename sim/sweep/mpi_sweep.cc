#include "sim/sweep/mpi_sweep.h"

#include <fmt/format.h>

#include <mpi.h>

#include <vector>

#include "sim/core/errors.h"
#include "sim/sweep/process_pool.h"

namespace accelgym::sweep {
namespace {

enum Tag : int { kTask = 1, kResult = 2, kStop = 3 };

std::string receive(int source, int tag, MPI_Status* status) {
  MPI_Probe(source, tag, MPI_COMM_WORLD, status);
  int size = 0;
  MPI_Get_count(status, MPI_BYTE, &size);
  std::string bytes(static_cast<size_t>(size), '\0');
  MPI_Recv(bytes.data(), size, MPI_BYTE, status->MPI_SOURCE, status->MPI_TAG, MPI_COMM_WORLD,
           MPI_STATUS_IGNORE);
  return bytes;
}

void send(const std::string& bytes, int dest, int tag) {
  MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, dest, tag, MPI_COMM_WORLD);
}

// Rank 0's view of the evaluating ranks.
class MpiExecutor final : public Executor {
 public:
  explicit MpiExecutor(int ranks) : task_of_(static_cast<size_t>(ranks), 0) {
    for (int r = ranks - 1; r >= 1; --r) free_.push_back(r);
  }
  ~MpiExecutor() override {
    for (int r = 1; r < static_cast<int>(task_of_.size()); ++r) send("", r, kStop);
  }
  size_t capacity() const override { return task_of_.size() - 1; }
  void submit(const v1::SweepTask& task) override {
    if (free_.empty()) throw InternalError("MpiExecutor::submit with every rank busy");
    const int rank = free_.back();
    free_.pop_back();
    task_of_[static_cast<size_t>(rank)] = task.id();
    send(task.SerializeAsString(), rank, kTask);
  }
  std::pair<uint64_t, v1::Evaluation> wait() override {
    MPI_Status status;
    const std::string bytes = receive(MPI_ANY_SOURCE, kResult, &status);
    v1::Evaluation record;
    if (!record.ParseFromString(bytes))
      throw InternalError(fmt::format("malformed result from rank {}", status.MPI_SOURCE));
    free_.push_back(status.MPI_SOURCE);
    return {task_of_[static_cast<size_t>(status.MPI_SOURCE)], std::move(record)};
  }

 private:
  std::vector<uint64_t> task_of_;  // by rank
  std::vector<int> free_;
};

void serve(const SweepSetup& setup, const OutDir& dir, int rank) {
  ProcessPool pool(setup, 1, setup.spec().timeout_s(), dir.prefix("r" + std::to_string(rank)));
  for (;;) {
    MPI_Status status;
    const std::string bytes = receive(0, MPI_ANY_TAG, &status);
    if (status.MPI_TAG == kStop) return;
    v1::SweepTask task;
    if (!task.ParseFromString(bytes)) throw InternalError("malformed task from rank 0");
    pool.submit(task);
    send(pool.wait().second.SerializeAsString(), 0, kResult);
  }
}

}  // namespace

std::optional<v1::SweepSummary> run_mpi(const SweepSetup& setup, const std::string& path,
                                        bool resume, const RunOptions& options) {
  MPI_Init(nullptr, nullptr);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  if (ranks < 2) {
    MPI_Finalize();
    throw InputError(
        "an MPI sweep needs at least 2 ranks (rank 0 coordinates, the others evaluate)");
  }
  std::optional<v1::SweepSummary> summary;
  try {
    // Rank 0 prepares the directory; the others learn the run number (0 = it refused).
    int run = 0;
    std::optional<OutDir> dir;
    std::string refusal;
    if (rank == 0) {
      try {
        dir.emplace(path, setup.spec(), resume);
        run = dir->run();
      } catch (const InputError& e) {
        refusal = e.what();
      }
    }
    MPI_Bcast(&run, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (run == 0) {
      MPI_Finalize();
      if (rank == 0) throw InputError(refusal);
      return std::nullopt;
    }
    if (rank == 0) {
      MpiExecutor executor(ranks);
      summary = coordinate(setup, *dir, executor, options);
    } else {
      serve(setup, OutDir(path, run), rank);
    }
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "accelgym: rank %d: %s\n", rank, e.what());
    MPI_Abort(MPI_COMM_WORLD, 1);  // never leave the other ranks waiting
  }
  MPI_Finalize();
  return summary;
}

}  // namespace accelgym::sweep
