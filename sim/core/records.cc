#include "sim/core/records.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <cinttypes>
#include <filesystem>
#include <fstream>

#include "sim/core/errors.h"

namespace accelgym {

RecordWriter::RecordWriter(const std::string& path)
    : path_(path), file_(std::fopen(path.c_str(), "ab"), &std::fclose) {
  if (!file_) throw InputError(path + ": cannot open records file for appending");
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
  if (std::fwrite(framed.data(), 1, framed.size(), file_.get()) != framed.size() ||
      std::fflush(file_.get()) != 0) {
    throw InputError(path_ + ": write failed");
  }
}

void read_records(const std::string& path,
                  const std::function<void(const v1::Evaluation&)>& visit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open records file");
  std::error_code error;
  const uint64_t file_size = std::filesystem::file_size(path, error);
  if (error) throw InputError(path + ": cannot read records file size");
  // Streamed, record by record: files of any size, in constant memory. A fresh coded stream
  // per record keeps protobuf's per-stream 2 GiB limit per record, not per file.
  google::protobuf::io::IstreamInputStream raw(&in);
  uint64_t position = 0;
  for (uint64_t index = 0;; ++index) {
    google::protobuf::io::CodedInputStream coded(&raw);
    uint32_t size = 0;
    if (!coded.ReadVarint32(&size)) return;  // end of file (or a cut length prefix)
    position += static_cast<uint64_t>(coded.CurrentPosition());
    if (position + size > file_size) return;  // truncated last record: the writer was killed
    const auto limit = coded.PushLimit(static_cast<int>(size));
    v1::Evaluation record;
    if (!record.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage()) {
      throw InputError(path + ": record " + std::to_string(index) + " is corrupt");
    }
    coded.PopLimit(limit);
    position += size;
    visit(record);
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
  // 64-bit FNV-1a twice with different offsets: 128 bits, stable across platforms.
  uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
  for (const unsigned char c : bytes) {
    a = (a ^ c) * 0x100000001b3ULL;
    b = (b ^ c) * 0x100000001b3ULL;
  }
  char out[33];
  std::snprintf(out, sizeof out, "%016" PRIx64 "%016" PRIx64, a, b);
  return out;
}

}  // namespace accelgym
