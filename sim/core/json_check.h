// A strict JSON syntax check run before protobuf's JSON parser sees a file. Protobuf accepts
// trailing commas and duplicate keys, takes quadratic time on deep nesting and reports errors
// without a line; this scan (one pass, linear time) rejects all of that with FILE:LINE, and
// remembers the line of every key so errors found later (an unknown field, a value outside its
// range) can name the line too.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace accelgym {

class JsonLines {
 public:
  // Checks `text` (RFC 8259: one value, strings in UTF-8, no duplicate keys in an object, at
  // most limits().max_json_depth levels); InputError "SOURCE:LINE: what" otherwise.
  JsonLines(std::string_view text, const std::string& source);
  // The line where `key` occurs as an object key; 0 when it never occurs, or occurs more than
  // once (in several objects: which one an error is about is not known here).
  int line_of(const std::string& key) const;

 private:
  std::map<std::string, int, std::less<>> key_lines_;  // -1: seen more than once
};

}  // namespace accelgym
