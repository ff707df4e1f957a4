// Evaluation records on disk: length-delimited accelgym.v1.Evaluation messages, append-only,
// flushed after every record so a killed process loses nothing already written.
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "accelgym/v1/result.pb.h"

namespace accelgym {

class RecordWriter {
 public:
  // Appends (or truncates first); InputError naming the OS reason when unwritable.
  explicit RecordWriter(const std::string& path, bool append = true);
  void append(const v1::Evaluation& record);
  void close();  // reports a failure of the last flush or of closing
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::unique_ptr<FILE, int (*)(FILE*)> file_;
};

// Calls `visit` for every record of the file in order; a truncated last record (a writer
// killed mid-write) is ignored, corruption elsewhere (an empty or keyless record, a read error)
// is an InputError naming the record. With `refuse_cut_first`, a file holding nothing but a
// cut-short record is refused too (what a file that is no records file often looks like).
void read_records(const std::string& path, const std::function<void(const v1::Evaluation&)>& visit,
                  bool refuse_cut_first = false);

// Cuts a truncated last record (its writer was killed mid-write) so appending can go on;
// returns the last whole record, if any. A missing file is no error.
std::optional<v1::Evaluation> repair_records(const std::string& path);

// The *.records files of a directory, sorted by name.
std::vector<std::string> record_files(const std::string& dir);
// Files as given; directories stand for their *.records files.
std::vector<std::string> expand_record_paths(const std::vector<std::string>& paths);
// Visits every evaluation key once across the files (in file order): its first OK record,
// else its first record. Returns how many records were left out as duplicates.
uint64_t read_unique_records(const std::vector<std::string>& files,
                             const std::function<void(const v1::Evaluation&)>& visit);

// A records file: every record in order (refusing a cut-short first record); a directory (a
// sweep's): each evaluation once, as read_unique_records over its *.records files.
void for_each_record(const std::string& file_or_dir,
                     const std::function<void(const v1::Evaluation&)>& visit);

// Hash of (env, design point, workloads, simulator version, seed): equal evaluations, equal
// keys. XXH3-128 of the deterministic serialisation, 32 hex digits; it persists in records and
// sweeps resume by it, so it must not change between builds or platforms.
std::string evaluation_key(const v1::Evaluation& record);
// The scheme evaluation_key() implements (Evaluation.key_scheme).
constexpr uint32_t kEvaluationKeyScheme = 1;
// Sets the record's key and key_scheme.
void set_evaluation_key(v1::Evaluation& record);
// The record's key under the current scheme: as stored, or recomputed from its identity fields
// for records written under an older scheme (so a sweep resumed from them reuses them).
std::string current_key(const v1::Evaluation& record);

}  // namespace accelgym
