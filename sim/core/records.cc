#include "sim/core/records.h"

#include <fmt/format.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <filesystem>
#include <fstream>
#include <unordered_map>
#include <unordered_set>

// Header-only use of the packaged xxHash (libxxhash-dev): XXH3 inlined, nothing to link.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "sim/core/errors.h"
#include "sim/core/file_io.h"
#include "sim/core/limits.h"

namespace accelgym {

RecordWriter::RecordWriter(const std::string& path, bool append)
    : path_(path), file_(std::fopen(path.c_str(), append ? "ab" : "wb"), &std::fclose) {
  if (!file_) throw_os_error(path, "cannot open the records file for writing", errno);
}

void RecordWriter::close() {
  FILE* f = file_.release();
  if (f != nullptr && std::fclose(f) != 0) throw_os_error(path_, "close failed", errno);
}

void RecordWriter::append(const v1::Evaluation& record) {
  std::string body;
  record.SerializeToString(&body);
  std::string framed;
  {
    google::protobuf::io::StringOutputStream raw(&framed);
    google::protobuf::io::CodedOutputStream coded(&raw);
    coded.WriteVarint32(static_cast<uint32_t>(body.size()));
  }
  framed += body;
  // One write per record, then flush: a reader sees whole records or a truncated tail.
  if (!file_) throw InternalError(path_ + ": append after close");
  if (std::fwrite(framed.data(), 1, framed.size(), file_.get()) != framed.size() ||
      std::fflush(file_.get()) != 0) {
    throw_os_error(path_, "write failed", errno);
  }
}

namespace {

// Visits every whole record; returns the byte offset just past the last one (a truncated
// tail, left by a writer killed mid-record, lies beyond it).
// `refuse_cut_first`: a file whose only content is a cut-short first record is refused.
uint64_t scan_records(const std::string& path,
                      const std::function<void(const v1::Evaluation&)>& visit,
                      bool refuse_cut_first) {
  if (std::filesystem::is_directory(path)) throw InputError(path + ": is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_os_error(path, "cannot open the records file", errno);
  std::error_code error;
  const uint64_t file_size = std::filesystem::file_size(path, error);
  if (error) throw InputError(path + ": not a records file: " + error.message());
  const uint64_t max_record_bytes = limits().max_input_bytes;
  // Streamed, record by record: files of any size, in constant memory. A fresh coded stream
  // per record keeps protobuf's per-stream 2 GiB limit per record, not per file.
  google::protobuf::io::IstreamInputStream raw(&in);
  uint64_t position = 0;
  for (uint64_t index = 0;; ++index) {
    google::protobuf::io::CodedInputStream coded(&raw);
    uint32_t size = 0;
    const bool sized = coded.ReadVarint32(&size);
    if (in.bad()) throw_os_error(path, "read failed", errno ? errno : EIO);
    if (!sized) return position;  // end of file (or a cut length prefix)
    const auto corrupt = [&](const std::string& why) {
      return InputError(fmt::format("{}: record {} (byte {}) {}", path, index, position, why));
    };
    if (size == 0) throw corrupt("is empty: not a records file?");
    if (size > max_record_bytes) {
      throw corrupt(fmt::format("claims {} bytes, more than {} ({})", size, max_record_bytes,
                                limit_hint("max_input_bytes")));
    }
    const uint64_t body = position + static_cast<uint64_t>(coded.CurrentPosition());
    if (body + size > file_size) {  // truncated last record
      if (index == 0 && refuse_cut_first) {
        throw corrupt("is cut short and no whole record precedes it: not a records file?");
      }
      return position;
    }
    const auto limit = coded.PushLimit(static_cast<int>(size));
    v1::Evaluation record;
    if (!record.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage()) {
      throw corrupt("is corrupt: damaged, or not a records file");
    }
    coded.PopLimit(limit);
    if (record.key().empty()) throw corrupt("has no evaluation key: not a records file?");
    position = body + size;
    visit(record);
  }
}

}  // namespace

void read_records(const std::string& path, const std::function<void(const v1::Evaluation&)>& visit,
                  bool refuse_cut_first) {
  scan_records(path, visit, refuse_cut_first);
}

std::optional<v1::Evaluation> repair_records(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return std::nullopt;
  std::optional<v1::Evaluation> last;
  const uint64_t end = scan_records(
      path, [&](const v1::Evaluation& e) { last = e; }, /*refuse_cut_first=*/false);
  if (std::filesystem::file_size(path, error) > end) {
    std::filesystem::resize_file(path, end, error);
    if (error)
      throw InputError(path + ": cannot cut the truncated last record: " + error.message());
  }
  return last;
}

std::vector<std::string> record_files(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.is_regular_file() && entry.path().extension() == ".records")
      out.push_back(entry.path().string());
  }
  if (error) throw InputError(dir + ": cannot list the directory: " + error.message());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> expand_record_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    if (std::filesystem::is_directory(p)) {
      const auto files = record_files(p);
      out.insert(out.end(), files.begin(), files.end());
    } else {
      out.push_back(p);
    }
  }
  return out;
}

uint64_t read_unique_records(const std::vector<std::string>& files,
                             const std::function<void(const v1::Evaluation&)>& visit) {
  // Pass 1: which keys have a successful record. Pass 2: visit each key's chosen record.
  std::unordered_map<std::string, bool> has_ok;
  for (const auto& f : files) {
    read_records(f, [&](const v1::Evaluation& e) {
      has_ok[current_key(e)] |= e.status() == v1::Evaluation::OK;
    });
  }
  std::unordered_set<std::string> seen;
  uint64_t dropped = 0;
  for (const auto& f : files) {
    read_records(f, [&](const v1::Evaluation& e) {
      const std::string key = current_key(e);
      const bool chosen =
          (!has_ok[key] || e.status() == v1::Evaluation::OK) && seen.insert(key).second;
      if (chosen) {
        visit(e);
      } else {
        ++dropped;
      }
    });
  }
  return dropped;
}

void for_each_record(const std::string& file_or_dir,
                     const std::function<void(const v1::Evaluation&)>& visit) {
  if (std::filesystem::is_directory(file_or_dir)) {
    const auto files = record_files(file_or_dir);
    if (files.empty()) throw InputError(file_or_dir + ": a directory without *.records files");
    read_unique_records(files, visit);
  } else {
    read_records(file_or_dir, visit, /*refuse_cut_first=*/true);
  }
}

std::string evaluation_key(const v1::Evaluation& record) {
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
    coded.SetSerializationDeterministic(true);  // map entries in key order
    identity.SerializeToCodedStream(&coded);
  }
  const XXH128_hash_t hash = XXH3_128bits(bytes.data(), bytes.size());
  return fmt::format("{:016x}{:016x}", hash.high64, hash.low64);
}

void set_evaluation_key(v1::Evaluation& record) {
  record.set_key(evaluation_key(record));
  record.set_key_scheme(kEvaluationKeyScheme);
}

std::string current_key(const v1::Evaluation& record) {
  return record.key_scheme() == kEvaluationKeyScheme ? record.key() : evaluation_key(record);
}

}  // namespace accelgym
