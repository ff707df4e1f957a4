// Evaluation records on disk: length-delimited accelgym.v1.Evaluation messages, append-only,
// flushed after every record so a killed process loses nothing already written.
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "accelgym/v1/result.pb.h"

namespace accelgym {

class RecordWriter {
 public:
  explicit RecordWriter(const std::string& path);  // appends; InputError if unwritable
  void append(const v1::Evaluation& record);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::unique_ptr<FILE, int (*)(FILE*)> file_;
};

// Calls `visit` for every record of the file in order; a truncated last record (a writer
// killed mid-write) is ignored, corruption elsewhere is an InputError naming the record.
void read_records(const std::string& path, const std::function<void(const v1::Evaluation&)>& visit);

// Hash of (design point, workloads, simulator version, seed): equal evaluations, equal keys.
std::string evaluation_key(const v1::Evaluation& record);

}  // namespace accelgym
