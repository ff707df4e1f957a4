// Strict text-to-number conversions shared by every reader of user input (options, env
// options, trace and topology fields, limits). They accept the whole text or nothing: no
// leading blanks or signs that wrap ("-1" is never 2^64 - 1), no octal surprises ("010" is
// ten), no NaN or infinity, and subnormal numbers are numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace accelgym {

// Decimal digits, or 0x followed by hex digits. Plain exponent forms such as "1e6" are also
// accepted when they denote a whole number that fits (counts are often written that way).
std::optional<uint64_t> to_unsigned(std::string_view text);
// A finite decimal number (std::from_chars' general form).
std::optional<double> to_finite(std::string_view text);

// The same, throwing InputError "WHAT: 'TEXT' is not ..." naming the range.
uint64_t parse_unsigned(std::string_view text, const std::string& what, uint64_t min = 0,
                        uint64_t max = UINT64_MAX);
double parse_finite(std::string_view text, const std::string& what);
// A finite number in [min, max].
double parse_finite_in(std::string_view text, const std::string& what, double min, double max);

// `text` quoted for an error message: at most `max_chars` characters, bytes outside printable
// ASCII escaped (\xNN), so a binary or multi-megabyte input line never floods a terminal.
std::string quoted_excerpt(std::string_view text, size_t max_chars = 80);

}  // namespace accelgym
