// JSON on disk through protobuf's JSON mapping; errors name the file and the field.
#pragma once

#include <string>

#include "sim/core/file_io.h"  // read_text_file, write_text_file_atomically

namespace google::protobuf {
class Message;
}

namespace accelgym {

// Strict JSON (sim/core/json_check.h) into `message`; InputError "SOURCE:LINE: ..." on a syntax
// error, an unknown field, a wrong type or a non-finite number.
void parse_json(const std::string& text, const std::string& source,
                google::protobuf::Message* message);
void load_json_file(const std::string& path, google::protobuf::Message* message);
// protobuf's JSON mapping (64-bit integers quoted, as the mapping requires); for files that
// are read back with parse_json.
std::string to_json(const google::protobuf::Message& message, bool pretty = true);
// The same fields and names, but 64-bit integers printed as numbers and fields at their
// default value included: for reports people and scripts read (CLI --format json).
std::string to_report_json(const google::protobuf::Message& message, int indent = 2);

}  // namespace accelgym
