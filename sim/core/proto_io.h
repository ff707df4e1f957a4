// JSON on disk through protobuf's JSON mapping; errors name the file and the field.
#pragma once

#include <string>

namespace google::protobuf {
class Message;
}

namespace accelgym {

std::string read_text_file(const std::string& path);  // InputError when unreadable
// Writes PATH.tmp then renames it over PATH: a reader never sees a half-written file.
void write_text_file_atomically(const std::string& path, const std::string& text);
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
