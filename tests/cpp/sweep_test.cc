// Sweeps: the coordinator's rounds, resume from records, the worker pool's handling of
// crashes and hangs, and spec errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "sim/core/errors.h"
#include "sim/core/proto_io.h"
#include "sim/core/records.h"
#include "sim/sweep/process_pool.h"
#include "sim/sweep/sweep.h"
#include "test_scratch.h"

namespace accelgym::sweep {
namespace {

v1::SweepSpec spec_from(const std::string& json) {
  v1::SweepSpec spec;
  parse_json(json, "test spec", &spec);
  return spec;
}

// What a record says about its design, without the wall time: equal across runs.
std::map<std::string, std::string> outcomes(const std::string& dir) {
  std::map<std::string, std::string> out;
  read_unique_records(record_files(dir), [&](const v1::Evaluation& e) {
    v1::Evaluation same = e;
    same.clear_wall_time_s();
    std::string bytes;
    same.mutable_metrics()->clear_extra();  // map order is not deterministic in bytes
    same.mutable_point()->clear_values();
    same.SerializeToString(&bytes);
    out[e.key()] =
        bytes + "|" + std::to_string(e.reward()) + "|" + std::to_string(e.metrics().latency_ns());
  });
  return out;
}

// The key of records written before 2026-12-06 (key_scheme 0): 64-bit FNV-1a twice over the
// deterministic serialisation of the identity fields, with different offsets.
std::string legacy_fnv_key(const v1::Evaluation& record) {
  v1::Evaluation identity;
  *identity.mutable_point() = record.point();
  *identity.mutable_workloads() = record.workloads();
  identity.set_simulator_version(record.simulator_version());
  identity.set_seed(record.seed());
  identity.set_env(record.env());
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream raw(&bytes);
    google::protobuf::io::CodedOutputStream coded(&raw);
    coded.SetSerializationDeterministic(true);
    identity.SerializeToCodedStream(&coded);
  }
  uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
  for (const unsigned char c : bytes) {
    a = (a ^ c) * 0x100000001b3ULL;
    b = (b ^ c) * 0x100000001b3ULL;
  }
  char out[33];
  std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b));
  return out;
}

const char* kRandomSpec =
    R"({"env": "synthetic-v0", "searcher": {"name": "ga", "options": {"population": "6"}},
        "budget": 30, "seeds": [1, 2], "batch": 6})";

TEST(Sweep, CoordinatorAnswersEveryAskInRounds) {
  const testing_scratch::ScratchDir scratch;
  const SweepSetup setup(spec_from(kRandomSpec), "test");
  ASSERT_EQ(setup.num_jobs(), 2u);
  const OutDir dir(scratch.path("rounds"), setup.spec(), false);
  InProcessExecutor executor(setup, dir.prefix("inproc") + ".records");
  const v1::SweepSummary s = coordinate(setup, dir, executor, {});
  EXPECT_EQ(s.evaluations(), 60u);
  EXPECT_EQ(s.ok(), 60u);
  EXPECT_EQ(s.simulated() + s.reused(), 60u);  // GA repeats some designs: answered from records
  EXPECT_EQ(outcomes(dir.path()).size(), s.simulated());
  ASSERT_EQ(s.jobs_size(), 2);
  // The bowl's value at the best design: reward = -min(10, latency / 2 - 1) under latency <= 2.
  for (const auto& j : s.jobs()) {
    EXPECT_EQ(j.evaluations(), 30u);
    EXPECT_NEAR(j.best_reward(), -std::min(10.0, j.best_metrics().latency_ns() / 2 - 1), 1e-12);
  }
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/summary.json"));
}

TEST(Sweep, RecordsDoNotDependOnTheNumberOfWorkers) {
  const testing_scratch::ScratchDir scratch;
  const SweepSetup setup(spec_from(kRandomSpec), "test");
  const OutDir one(scratch.path("one"), setup.spec(), false);
  InProcessExecutor executor(setup, one.prefix("inproc") + ".records");
  coordinate(setup, one, executor, {});
  const OutDir three(scratch.path("three"), setup.spec(), false);
  run_local(setup, three, 3, {});
  EXPECT_EQ(outcomes(one.path()), outcomes(three.path()));
}

TEST(Sweep, ResumeReusesFinishedWorkAndEndsTheSame) {
  const testing_scratch::ScratchDir scratch;
  const SweepSetup setup(spec_from(kRandomSpec), "test");
  const OutDir whole(scratch.path("whole"), setup.spec(), false);
  const v1::SweepSummary full = run_local(setup, whole, 2, {});

  // A first run that stops after 17 completions (as if killed), then a resumed one.
  const std::string path = scratch.path("partial");
  {
    const OutDir dir(path, setup.spec(), false);
    Coordinator coordinator(setup);
    InProcessExecutor executor(setup, dir.prefix("inproc") + ".records");
    for (int done = 0; done < 17; ++done) {
      executor.submit(*coordinator.next());
      auto [id, record] = executor.wait();
      coordinator.complete(id, record);
    }
    EXPECT_FALSE(coordinator.finished());
  }
  EXPECT_THROW(OutDir(path, setup.spec(), false), InputError);  // must say --resume
  {
    const OutDir resumed(path, setup.spec(), true);
    EXPECT_EQ(resumed.run(), 2);
    // While it runs, no second coordinator (fresh or resuming) may write there.
    for (const bool resume : {false, true}) {
      try {
        OutDir(path, setup.spec(), resume);
        ADD_FAILURE() << "a second writer was let in";
      } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("another accelgym sweep is running"),
                  std::string::npos);
      }
    }
    const v1::SweepSummary rest = run_local(setup, resumed, 2, {});
    EXPECT_EQ(rest.simulated(), full.simulated() - 17);
    EXPECT_EQ(outcomes(path), outcomes(whole.path()));
    EXPECT_EQ(rest.jobs(0).best_reward(), full.jobs(0).best_reward());
  }
  // Records written before XXH3 keys (key_scheme 0: two FNV-1a passes) still resume a sweep.
  for (const std::string& file : record_files(path)) {
    std::vector<v1::Evaluation> records;
    read_records(file, [&](const v1::Evaluation& e) { records.push_back(e); });
    RecordWriter legacy(file, /*append=*/false);
    for (v1::Evaluation e : records) {
      e.set_key(legacy_fnv_key(e));
      e.clear_key_scheme();
      legacy.append(e);
    }
  }
  {
    const OutDir resumed(path, setup.spec(), true);
    const v1::SweepSummary again = run_local(setup, resumed, 2, {});
    EXPECT_EQ(again.simulated(), 0u);  // every evaluation found under today's key
    EXPECT_EQ(again.jobs(0).best_reward(), full.jobs(0).best_reward());
  }
  // A resumed spec may change workers and timeout, nothing else.
  v1::SweepSpec other = setup.spec();
  other.set_workers(7);
  EXPECT_NO_THROW(OutDir(path, other, true));
  other.set_budget(31);
  EXPECT_THROW(OutDir(path, other, true), InputError);
}

TEST(Sweep, CrashesHangsAndThrowsAreRecordedAndTheSweepGoesOn) {
  const testing_scratch::ScratchDir scratch;
  for (const std::string kind : {"crash", "hang", "throw"}) {
    SCOPED_TRACE(kind);
    const SweepSetup setup(
        spec_from(R"({"env": "synthetic-v0", "envOptions": {"fault": ")" + kind +
                  R"(@x0=3"}, "points": [{"values": {"x0": 1}}, {"values": {"x0": 3}},
                     {"values": {"x0": 5}}, {"values": {"x0": 3, "x1": 1}}], "timeoutS": 0.3})"),
        "test");
    const OutDir dir(scratch.path("fault_" + kind), setup.spec(), false);
    const v1::SweepSummary s = run_local(setup, dir, 2, {});
    EXPECT_EQ(s.evaluations(), 4u);
    EXPECT_EQ(s.ok(), 2u);
    EXPECT_EQ(s.failed(), 2u);
    std::vector<std::string> messages;
    read_unique_records(record_files(dir.path()), [&](const v1::Evaluation& e) {
      if (e.status() == v1::Evaluation::FAILED) messages.push_back(e.message());
    });
    ASSERT_EQ(messages.size(), 2u);
    const std::string expected = kind == "crash"  ? "signal 6"
                                 : kind == "hang" ? "timed out after 0.3 s"
                                                  : "injected failure";
    for (const auto& m : messages) EXPECT_NE(m.find(expected), std::string::npos) << m;
  }
}

// A hyperparameter study: one job per (searcher, workload, seed), each the same as a sweep
// of that searcher alone.
TEST(Sweep, SeveralSearchersMakeOneJobPerConfiguration) {
  const testing_scratch::ScratchDir scratch;
  const SweepSetup study(spec_from(R"({"env": "synthetic-v0", "budget": 30, "seeds": [1, 2],
      "batch": 6, "searchers": [{"name": "random"},
                                {"name": "ga", "options": {"population": "6"}}]})"),
                         "study");
  ASSERT_EQ(study.num_jobs(), 4u);
  EXPECT_EQ(study.describe(3), "searcher 1 (ga population=6), default workload, seed 2");
  const OutDir study_dir(scratch.path("study"), study.spec(), false);
  InProcessExecutor executor(study, study_dir.prefix("inproc") + ".records");
  const v1::SweepSummary s = coordinate(study, study_dir, executor, {});
  ASSERT_EQ(s.jobs_size(), 4);
  EXPECT_EQ(s.evaluations(), 120u);
  EXPECT_EQ(s.jobs(0).searcher().name(), "random");
  EXPECT_EQ(s.jobs(3).searcher().name(), "ga");

  const SweepSetup alone(spec_from(kRandomSpec), "alone");  // ga, population 6, seeds 1 and 2
  const OutDir alone_dir(scratch.path("alone"), alone.spec(), false);
  InProcessExecutor alone_executor(alone, alone_dir.prefix("inproc") + ".records");
  const v1::SweepSummary a = coordinate(alone, alone_dir, alone_executor, {});
  for (int j = 0; j < 2; ++j) {
    EXPECT_EQ(s.jobs(2 + j).seed(), a.jobs(j).seed());
    EXPECT_EQ(s.jobs(2 + j).best_reward(), a.jobs(j).best_reward());
    EXPECT_EQ(s.jobs(2 + j).evaluations_to_target(), a.jobs(j).evaluations_to_target());
    EXPECT_EQ(s.jobs(2 + j).best_point().DebugString(), a.jobs(j).best_point().DebugString());
  }
}

TEST(Sweep, SpecErrorsNameTheField) {
  auto error = [](const std::string& json) {
    try {
      SweepSetup(spec_from(json), "s.json");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error(R"({"env": "synthetic-v0", "budget": 3})").find("searcher"), std::string::npos);
  EXPECT_NE(error(R"({"env": "synthetic-v0", "searcher": {"name": "random"}})").find("budget"),
            std::string::npos);
  EXPECT_NE(error(R"({"env": "dram-v9", "searcher": {"name": "random"}, "budget": 1})").find("env"),
            std::string::npos);
  EXPECT_NE(error(R"({"env": "synthetic-v0", "searcher": {"name": "annealing"}, "budget": 1})")
                .find("searcher"),
            std::string::npos);
  EXPECT_NE(
      error(R"({"env": "synthetic-v0", "workloads": [{"name": "x"}], "searcher": {"name": "random"},
                      "budget": 1})")
          .find("takes no workload"),
      std::string::npos);
  EXPECT_NE(
      error(R"({"env": "synthetic-v0", "points": [{"values": {"x9": 1}}]})").find("points[0]"),
      std::string::npos);
  EXPECT_NE(error(R"({"env": "synthetic-v0", "searcher": {"name": "random"}, "budget": 1,
                      "searchers": [{"name": "ga"}]})")
                .find("either searcher or searchers"),
            std::string::npos);
  EXPECT_NE(error(R"({"env": "synthetic-v0", "budget": 1, "searchers": [{"name": "random"},
                      {"name": "ga", "options": {"populace": "3"}}]})")
                .find("searchers[1]"),
            std::string::npos);
  EXPECT_NE(error(R"({"env": "synthetic-v0", "space": {"dimensions": {"x0": {"min": 20}}},
                      "searcher": {"name": "random"}, "budget": 1})")
                .find("x0"),
            std::string::npos);
}

TEST(Records, RepairCutsATruncatedTailSoAppendingGoesOn) {
  const testing_scratch::ScratchDir scratch;
  const std::string path = scratch.path("repair.records");
  v1::Evaluation a, b;
  a.set_key("a");
  b.set_key("b");
  RecordWriter(path).append(a);
  RecordWriter(path).append(b);
  const auto size = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, size - 1);  // the writer of b was killed mid-record
  const auto last = repair_records(path);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->key(), "a");
  RecordWriter(path).append(b);
  std::vector<std::string> keys;
  read_records(path, [&](const v1::Evaluation& e) { keys.push_back(e.key()); });
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "b"}));
}

TEST(Records, UniqueRecordsPreferSuccess) {
  const testing_scratch::ScratchDir scratch;
  const std::string dir = scratch.path("unique");
  std::filesystem::create_directories(dir);
  v1::Evaluation failed, ok, other;
  for (v1::Evaluation* e : {&failed, &ok, &other}) e->set_key_scheme(kEvaluationKeyScheme);
  failed.set_key("k");
  failed.set_status(v1::Evaluation::FAILED);
  ok.set_key("k");
  ok.set_status(v1::Evaluation::OK);
  other.set_key("j");
  RecordWriter(dir + "/1.records").append(failed);
  RecordWriter(dir + "/2.records").append(ok);
  RecordWriter(dir + "/2.records").append(other);
  std::vector<std::pair<std::string, int>> seen;
  const uint64_t dropped =
      read_unique_records(expand_record_paths({dir}),
                          [&](const v1::Evaluation& e) { seen.emplace_back(e.key(), e.status()); });
  EXPECT_EQ(dropped, 1u);
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, int>>{{"k", v1::Evaluation::OK}, {"j", 0}}));
}

}  // namespace
}  // namespace accelgym::sweep
