#include "sim/core/proto_io.h"

#include <fmt/format.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <utility>
#include <vector>

#include "sim/core/errors.h"
#include "sim/core/file_io.h"
#include "sim/core/json_check.h"

namespace accelgym {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// The field protobuf's message names: the last name before ':' ("(values[0]) rows: Repeated map
// key" names rows; "valuez: Cannot find field." names valuez).
std::string field_named_by(const std::string& message) {
  const auto colon = message.find(':');
  if (colon == std::string::npos) return "";
  std::string head = message.substr(0, colon);
  if (const auto space = head.find_last_of(" )"); space != std::string::npos) {
    head = head.substr(space + 1);
  }
  return head;
}

// Protobuf's messages can span lines (an excerpt and a caret): the first line is the reason.
std::string first_line(const std::string& message) { return message.substr(0, message.find('\n')); }

// Every double or float of `m`, recursively: NaN and infinity are not accepted anywhere (the
// JSON mapping would take "NaN" and "Infinity" for them).
void check_finite(const Message& m, const std::string& path, const JsonLines& lines,
                  const std::string& source) {
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    const int n = f->is_repeated() ? r->FieldSize(m, f) : 1;
    for (int i = 0; i < n; ++i) {
      const bool rep = f->is_repeated();
      const std::string name =
          (path.empty() ? "" : path + ".") + f->name() + (rep ? "[" + std::to_string(i) + "]" : "");
      double x = 0;
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_DOUBLE:
          x = rep ? r->GetRepeatedDouble(m, f, i) : r->GetDouble(m, f);
          break;
        case FieldDescriptor::CPPTYPE_FLOAT:
          x = rep ? r->GetRepeatedFloat(m, f, i) : r->GetFloat(m, f);
          break;
        case FieldDescriptor::CPPTYPE_MESSAGE:
          check_finite(rep ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f), name, lines,
                       source);
          continue;
        default:
          continue;
      }
      if (!std::isfinite(x)) {
        const int line = std::max(lines.line_of(f->json_name()), lines.line_of(f->name()));
        throw InputError::at(source, line, name, "must be a finite number");
      }
    }
  }
}

}  // namespace

void parse_json(const std::string& text, const std::string& source,
                google::protobuf::Message* message) {
  const JsonLines lines(text, source);
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;  // a misspelled key is an error, never ignored
  const auto status = google::protobuf::util::JsonStringToMessage(text, message, options);
  if (!status.ok()) {
    const std::string why = first_line(std::string(status.message()));
    const std::string field = field_named_by(why);
    const int line = field.empty() ? 0 : lines.line_of(field);
    throw InputError::at(source, line, "",
                         "invalid " + message->GetDescriptor()->name() + ": " + why);
  }
  check_finite(*message, "", lines, source);
}

void load_json_file(const std::string& path, google::protobuf::Message* message) {
  parse_json(read_text_file(path), path, message);
}

std::string to_json(const google::protobuf::Message& message, bool pretty) {
  // The same JSON as MessageToJsonString (which prints the message's wire form), but from a
  // deterministic serialization: map entries in key order, where the in-memory order of a map
  // changes from run to run and the same seed must give the same bytes.
  std::string wire;
  {
    google::protobuf::io::StringOutputStream stream(&wire);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    if (!message.SerializeToCodedStream(&coded)) throw InternalError("cannot serialize message");
  }
  static const std::unique_ptr<google::protobuf::util::TypeResolver> resolver(
      google::protobuf::util::NewTypeResolverForDescriptorPool(
          "type.googleapis.com", google::protobuf::DescriptorPool::generated_pool()));
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  options.preserve_proto_field_names = true;
  std::string out;
  const auto status = google::protobuf::util::BinaryToJsonString(
      resolver.get(), "type.googleapis.com/" + message.GetDescriptor()->full_name(), wire, &out,
      options);
  if (!status.ok()) throw InternalError("cannot print JSON: " + std::string(status.message()));
  return out;
}

namespace {

void write_string(const std::string& s, std::string& out) {
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void write_double(double x, std::string& out) {
  if (!std::isfinite(x)) {  // JSON has no inf/nan
    out += "null";
    return;
  }
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof buf, x);  // shortest round-trip form
  out.append(buf, result.ptr);
}

void write_message(const Message& m, int indent, int depth, std::string& out);

void newline(int indent, int depth, std::string& out) {
  if (indent <= 0) return;
  out += '\n';
  out.append(static_cast<size_t>(indent * depth), ' ');
}

void write_scalar(const Message& m, const FieldDescriptor* f, int index, int indent, int depth,
                  std::string& out) {
  const Reflection* r = m.GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      out += std::to_string(rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      out += std::to_string(rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      out += std::to_string(rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      out += std::to_string(rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f));
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      write_double(rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f), out);
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      write_double(rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f), out);
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      out += (rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "true" : "false";
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      write_string((rep ? r->GetRepeatedEnum(m, f, index) : r->GetEnum(m, f))->name(), out);
      break;
    case FieldDescriptor::CPPTYPE_STRING:
      write_string(rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f), out);
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      write_message(rep ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f), indent, depth,
                    out);
      break;
  }
}

void write_message(const Message& m, int indent, int depth, std::string& out) {
  const auto* desc = m.GetDescriptor();
  // Well-known types (google.protobuf.Value, Struct, ...) have a special JSON form.
  if (desc->file()->package() == "google.protobuf") {
    out += to_json(m, false);
    return;
  }
  const Reflection* r = m.GetReflection();
  out += '{';
  bool first = true;
  for (int i = 0; i < desc->field_count(); ++i) {
    const FieldDescriptor* f = desc->field(i);
    if (f->containing_oneof() && !r->HasField(m, f)) continue;
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_repeated() &&
        !r->HasField(m, f)) {
      continue;
    }
    if (!first) out += ',';
    first = false;
    newline(indent, depth + 1, out);
    write_string(f->name(), out);
    out += indent > 0 ? ": " : ":";
    if (f->is_map()) {
      // Entries in key order: a map's in-memory order changes from run to run.
      const int n = r->FieldSize(m, f);
      std::vector<std::pair<std::string, const Message*>> entries;
      for (int k = 0; k < n; ++k) {
        const Message& entry = r->GetRepeatedMessage(m, f, k);
        std::string key;
        write_scalar(entry, entry.GetDescriptor()->field(0), -1, indent, depth + 2, key);
        if (key.empty() || key.front() != '"') key = '"' + key + '"';
        entries.emplace_back(std::move(key), &entry);
      }
      std::sort(entries.begin(), entries.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      out += '{';
      for (size_t k = 0; k < entries.size(); ++k) {
        if (k) out += ',';
        newline(indent, depth + 2, out);
        out += entries[k].first;
        out += indent > 0 ? ": " : ":";
        const Message& entry = *entries[k].second;
        write_scalar(entry, entry.GetDescriptor()->field(1), -1, indent, depth + 2, out);
      }
      if (n) newline(indent, depth + 1, out);
      out += '}';
    } else if (f->is_repeated()) {
      out += '[';
      const int n = r->FieldSize(m, f);
      for (int k = 0; k < n; ++k) {
        if (k) out += ',';
        newline(indent, depth + 2, out);
        write_scalar(m, f, k, indent, depth + 2, out);
      }
      if (n) newline(indent, depth + 1, out);
      out += ']';
    } else {
      write_scalar(m, f, -1, indent, depth + 1, out);
    }
  }
  if (!first) newline(indent, depth, out);
  out += '}';
}

}  // namespace

std::string to_report_json(const google::protobuf::Message& message, int indent) {
  std::string out;
  write_message(message, indent, 0, out);
  return out;
}

}  // namespace accelgym
