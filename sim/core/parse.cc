#include "sim/core/parse.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "sim/core/errors.h"

namespace accelgym {

std::optional<uint64_t> to_unsigned(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
    base = 16;
  }
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value, base);
  if (ec == std::errc() && ptr == end) return value;
  if (base != 10 || ec != std::errc() || ptr == text.data()) return std::nullopt;
  // "1e6": a whole number written with an exponent.
  const auto real = to_finite(text);
  if (!real || *real < 0 || *real >= 18446744073709551616.0 || std::floor(*real) != *real) {
    return std::nullopt;
  }
  return static_cast<uint64_t>(*real);
}

std::optional<double> to_finite(std::string_view text) {
  if (text.empty() || text.front() == '+') return std::nullopt;
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  // from_chars reports underflow as out of range: subnormal and tiny values are still numbers
  // (it leaves the value unset then, so read it again with strtod).
  if (ec == std::errc::result_out_of_range && ptr == end) {
    const std::string copy(text);
    value = std::strtod(copy.c_str(), nullptr);
    if (std::isfinite(value) && std::fabs(value) < 1.0) return value;
    return std::nullopt;
  }
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

uint64_t parse_unsigned(std::string_view text, const std::string& what, uint64_t min,
                        uint64_t max) {
  const auto value = to_unsigned(text);
  if (value && *value >= min && *value <= max) return *value;
  const std::string range =
      max == UINT64_MAX ? fmt::format(">= {}", min) : fmt::format("in [{}, {}]", min, max);
  throw InputError(
      fmt::format("{}: {} is not a whole number {}", what, quoted_excerpt(text), range));
}

double parse_finite(std::string_view text, const std::string& what) {
  if (const auto value = to_finite(text)) return *value;
  throw InputError(fmt::format("{}: {} is not a finite number", what, quoted_excerpt(text)));
}

double parse_finite_in(std::string_view text, const std::string& what, double min, double max) {
  const double value = parse_finite(text, what);
  if (value >= min && value <= max) return value;
  throw InputError(fmt::format("{}: {} is outside [{}, {}]", what, quoted_excerpt(text), min, max));
}

std::string quoted_excerpt(std::string_view text, size_t max_chars) {
  std::string out = "'";
  size_t shown = 0;
  for (const char ch : text) {
    if (shown == max_chars) {
      out += fmt::format("...' ({} bytes)", text.size());
      return out;
    }
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f) {
      out += ch;
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
    ++shown;
  }
  return out + "'";
}

}  // namespace accelgym
