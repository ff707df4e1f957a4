#include "sim/core/json_check.h"

#include <fmt/format.h>

#include <cctype>
#include <set>
#include <vector>

#include "sim/core/errors.h"
#include "sim/core/limits.h"
#include "sim/core/parse.h"

namespace accelgym {
namespace {

// A recursive-descent scan with an explicit depth bound (the limit keeps the C++ stack small).
class Scanner {
 public:
  Scanner(std::string_view text, const std::string& source,
          std::map<std::string, int, std::less<>>& key_lines)
      : text_(text), source_(source), key_lines_(key_lines), max_depth_(limits().max_json_depth) {}

  void document() {
    if (text_.substr(0, 3) == "\xef\xbb\xbf") pos_ = 3;  // a UTF-8 byte-order mark
    blank();
    value(0);
    blank();
    if (pos_ != text_.size()) fail("unexpected text after the JSON value");
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    std::string near;
    if (pos_ < text_.size()) near = " near " + quoted_excerpt(text_.substr(pos_, 20), 20);
    throw InputError(fmt::format("{}:{}: invalid JSON: {}{}", source_, line_, what, near));
  }

  void blank() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\n') {
        ++line_;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        return;
      }
      ++pos_;
    }
  }

  void expect(char c) {
    if (pos_ >= text_.size() || text_[pos_] != c) fail(fmt::format("expected '{}'", c));
    ++pos_;
  }

  void value(uint64_t depth) {
    if (pos_ >= text_.size()) fail("unexpected end of input");
    switch (text_[pos_]) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        string();
        return;
      case 't':
        return word("true");
      case 'f':
        return word("false");
      case 'n':
        return word("null");
      default:
        return number();
    }
  }

  void nest(uint64_t depth) {
    if (depth > max_depth_) {
      fail(fmt::format("nested deeper than {} levels ({})", max_depth_,
                       limit_hint("max_json_depth")));
    }
  }

  void object(uint64_t depth) {
    nest(depth);
    std::set<std::string_view> keys;
    members('}', [&] {
      if (pos_ >= text_.size() || text_[pos_] != '"') fail("expected a key in quotes");
      const int key_line = line_;
      const std::string_view key = string();
      if (!keys.insert(key).second) fail(fmt::format("duplicate key {}", quoted_excerpt(key)));
      const auto [it, first] = key_lines_.try_emplace(std::string(key), key_line);
      if (!first) it->second = -1;
      blank();
      expect(':');
      blank();
      value(depth);
    });
  }

  void array(uint64_t depth) {
    nest(depth);
    members(']', [&] { value(depth); });
  }

  // The members of an object or array after its opening bracket: `member` for each, separated
  // by commas (none after the last), up to `close`.
  template <class Member>
  void members(char close, Member member) {
    ++pos_;
    blank();
    if (pos_ < text_.size() && text_[pos_] == close) {
      ++pos_;
      return;
    }
    while (true) {
      blank();
      member();
      blank();
      if (pos_ >= text_.size() || text_[pos_] != ',') break;
      ++pos_;
      blank();
      if (pos_ < text_.size() && text_[pos_] == close) {
        fail(fmt::format("trailing comma before '{}'", close));
      }
    }
    expect(close);
  }

  void word(std::string_view w) {
    if (text_.substr(pos_, w.size()) != w) fail("unexpected token");
    pos_ += w.size();
  }

  void digits() {
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    if (pos_ == start) fail("malformed number");
  }

  void number() {
    if (text_[pos_] == '-') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '0') {
      ++pos_;
    } else {
      digits();
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      digits();
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      digits();
    }
  }

  // A string's raw contents (escapes left as written: keys compared as written).
  std::string_view string() {
    ++pos_;
    const size_t start = pos_;
    while (true) {
      if (pos_ >= text_.size()) fail("unterminated string");
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') break;
      if (c < 0x20) fail("control character in a string");
      if (c == '\\') {
        escape();
      } else if (c >= 0x80) {
        utf8();
      } else {
        ++pos_;
      }
    }
    const std::string_view s = text_.substr(start, pos_ - start);
    ++pos_;
    return s;
  }

  void escape() {
    ++pos_;
    if (pos_ >= text_.size()) fail("unterminated string");
    const char e = text_[pos_++];
    if (e == 'u') {
      for (int i = 0; i < 4; ++i, ++pos_) {
        if (pos_ >= text_.size() || !std::isxdigit(static_cast<unsigned char>(text_[pos_]))) {
          fail("malformed \\u escape");
        }
      }
      return;
    }
    if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) fail("unknown escape");
  }

  void utf8() {
    const auto lead = static_cast<unsigned char>(text_[pos_]);
    const int extra = lead >= 0xf0 && lead <= 0xf4 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc2 ? 1 : -1;
    if (extra < 0 || lead > 0xf4) fail("invalid UTF-8 in a string");
    ++pos_;
    for (int i = 0; i < extra; ++i, ++pos_) {
      if (pos_ >= text_.size() || (static_cast<unsigned char>(text_[pos_]) & 0xc0) != 0x80) {
        fail("invalid UTF-8 in a string");
      }
    }
  }

  std::string_view text_;
  const std::string& source_;
  std::map<std::string, int, std::less<>>& key_lines_;
  uint64_t max_depth_;
  size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

JsonLines::JsonLines(std::string_view text, const std::string& source) {
  Scanner(text, source, key_lines_).document();
}

int JsonLines::line_of(const std::string& key) const {
  const auto it = key_lines_.find(key);
  return it == key_lines_.end() || it->second < 0 ? 0 : it->second;
}

}  // namespace accelgym
