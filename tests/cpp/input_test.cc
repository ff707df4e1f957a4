// The shared input layer (sim/core/parse, json_check, file_io, limits): what every reader of
// user input relies on to turn bad input into one clear InputError.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <string>

#include "sim/core/errors.h"
#include "sim/core/file_io.h"
#include "sim/core/json_check.h"
#include "sim/core/limits.h"
#include "sim/core/parse.h"
#include "test_scratch.h"

namespace accelgym {
namespace {

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

TEST(Parse, UnsignedIsWholeTextDecimalOrHex) {
  EXPECT_EQ(to_unsigned("10"), 10u);
  EXPECT_EQ(to_unsigned("010"), 10u);  // never octal
  EXPECT_EQ(to_unsigned("0x10"), 16u);
  EXPECT_EQ(to_unsigned("1e6"), 1000000u);
  EXPECT_EQ(to_unsigned("18446744073709551615"), UINT64_MAX);
  for (const char* bad : {"", "-1", " 5", "5 ", "+5", "1.5", "1e-3", "nan", "0x", "1e30",
                          "18446744073709551616", "12abc"}) {
    EXPECT_FALSE(to_unsigned(bad).has_value()) << bad;
  }
}

TEST(Parse, FiniteRejectsNanAndInfinityButNotSubnormals) {
  EXPECT_EQ(to_finite("2.5"), 2.5);
  EXPECT_EQ(to_finite("-3"), -3.0);
  const auto tiny = to_finite("4.9e-324");
  ASSERT_TRUE(tiny.has_value());
  EXPECT_GT(*tiny, 0.0);
  EXPECT_EQ(to_finite("1e-400"), 0.0);  // underflows to zero: still a number
  for (const char* bad : {"", "nan", "NaN", "inf", "-inf", "infinity", "1e400", "+1", " 1", "1x"}) {
    EXPECT_FALSE(to_finite(bad).has_value()) << bad;
  }
}

TEST(Parse, ErrorsNameTheOptionAndTheRange) {
  EXPECT_EQ(message_of([] { parse_unsigned("-1", "--count", 1, 100); }),
            "--count: '-1' is not a whole number in [1, 100]");
  EXPECT_EQ(message_of([] { parse_finite("nan", "--interval-ns"); }),
            "--interval-ns: 'nan' is not a finite number");
  EXPECT_EQ(message_of([] { parse_finite_in("2", "read_ratio", 0, 1); }),
            "read_ratio: '2' is outside [0, 1]");
}

TEST(Parse, ExcerptsAreShortAndPrintable) {
  EXPECT_EQ(quoted_excerpt("abc"), "'abc'");
  EXPECT_EQ(quoted_excerpt(std::string("a\0\xff", 3)), "'a\\x00\\xff'");
  EXPECT_EQ(quoted_excerpt(std::string(100, 'x'), 4), "'xxxx...' (100 bytes)");
}

TEST(JsonCheck, AcceptsStrictJsonAndFindsKeyLines) {
  const JsonLines lines("{\n \"a\": [1, -2.5e3, true, null],\n \"b\": {\"c\": \"\\u00e9\\n\"}\n}",
                        "x.json");
  EXPECT_EQ(lines.line_of("a"), 2);
  EXPECT_EQ(lines.line_of("c"), 3);
  EXPECT_EQ(lines.line_of("zzz"), 0);
  EXPECT_EQ(JsonLines("[{\"k\": 1},\n{\"k\": 2}]", "x").line_of("k"), 0);  // ambiguous
  EXPECT_NO_THROW(JsonLines("\xef\xbb\xbf{\"caf\xc3\xa9\": 1}", "bom.json"));
}

TEST(JsonCheck, RejectsWhatProtobufWouldTakeOrChokeOn) {
  const std::pair<const char*, const char*> cases[] = {
      {"{\"a\": 1,}", "x.json:1: invalid JSON: trailing comma before '}'"},
      {"[1,\n2,]", "x.json:2: invalid JSON: trailing comma before ']'"},
      {"{\"a\": 1,\n \"a\": 2}", "x.json:2: invalid JSON: duplicate key 'a'"},
      {"{\"a\": NaN}", "x.json:1: invalid JSON: malformed number"},
      {"{\"a\": 01}", "x.json:1: invalid JSON: expected '}'"},
      {"{\"a\": \"\x01\"}", "x.json:1: invalid JSON: control character in a string"},
      {"{\"a\": \"\xff\"}", "x.json:1: invalid JSON: invalid UTF-8 in a string"},
      {"{\"a\": 1} x", "x.json:1: invalid JSON: unexpected text after the JSON value"},
      {"", "x.json:1: invalid JSON: unexpected end of input"},
      {"\x01\x02", "x.json:1: invalid JSON: malformed number"},
  };
  for (const auto& [text, expected] : cases) {
    const std::string message = message_of([&] { JsonLines(text, "x.json"); });
    EXPECT_EQ(message.substr(0, std::string(expected).size()), expected) << text;
  }
}

TEST(JsonCheck, DepthIsBoundedAndLinear) {
  const uint64_t depth = limits().max_json_depth;
  const std::string ok = std::string(depth, '[') + std::string(depth, ']');
  EXPECT_NO_THROW(JsonLines(ok, "ok"));
  const std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
  EXPECT_NE(message_of([&] { JsonLines(deep, "deep.json"); }).find("max_json_depth"),
            std::string::npos);
}

TEST(FileIo, LineReaderSplitsLinesAcrossBlocks) {
  const testing_scratch::ScratchDir scratch;
  const std::string path = scratch.path("lines.txt");
  {
    std::ofstream out(path, std::ios::binary);
    out << "first\r\n\n" << std::string(200000, 'y') << "\nlast without newline";
  }
  LineReader in(path);
  std::string_view line;
  ASSERT_TRUE(in.next(line));
  EXPECT_EQ(line, "first");
  ASSERT_TRUE(in.next(line));
  EXPECT_EQ(line, "");
  ASSERT_TRUE(in.next(line));
  EXPECT_EQ(line.size(), 200000u);
  ASSERT_TRUE(in.next(line));
  EXPECT_EQ(line, "last without newline");
  EXPECT_EQ(in.line_number(), 4);
  EXPECT_FALSE(in.next(line));
}

TEST(FileIo, LineReaderRefusesDirectoriesAndEndlessLines) {
  EXPECT_NE(message_of([] { LineReader in("/tmp"); }).find("/tmp: is a directory"),
            std::string::npos);
  EXPECT_NE(message_of([] { LineReader("/nonexistent/x"); }).find("No such file"),
            std::string::npos);
  LineReader zero("/dev/zero");
  std::string_view line;
  EXPECT_EQ(message_of([&] { zero.next(line); }),
            "/dev/zero:1: line longer than 1048576 bytes (limit max_line_bytes; raise it with "
            "--limit max_line_bytes=N or ACCELGYM_LIMITS)");
}

TEST(FileIo, ReadTextFileIsBounded) {
  const testing_scratch::ScratchDir scratch;
  const std::string path = scratch.path("ten.txt");
  std::ofstream(path) << "0123456789";
  EXPECT_EQ(read_text_file(path), "0123456789");
  EXPECT_NE(message_of([&] { read_text_file(path, 9); }).find("larger than 9 bytes"),
            std::string::npos);
  EXPECT_NE(message_of([] { read_text_file("/dev/zero"); }).find("max_input_bytes"),
            std::string::npos);
}

TEST(FileIo, ReplacingAFileNeverReplacesADevice) {
  const testing_scratch::ScratchDir scratch;
  const std::string path = scratch.path("replaced.txt");
  write_text_file_atomically(path, "one");
  write_text_file_atomically(path, "two");
  EXPECT_EQ(read_text_file(path), "two");
  struct stat before {};
  ASSERT_EQ(stat("/dev/null", &before), 0);
  write_text_file_atomically("/dev/null", "discarded");
  struct stat after {};
  ASSERT_EQ(stat("/dev/null", &after), 0);
  EXPECT_TRUE(S_ISCHR(after.st_mode));
  EXPECT_EQ(before.st_rdev, after.st_rdev);
  struct stat full {};
  if (stat("/dev/full", &full) == 0 && S_ISCHR(full.st_mode)) {
    EXPECT_EQ(message_of([] { write_text_file_atomically("/dev/full", "x"); }),
              "/dev/full: write failed: No space left on device");
  }
}

TEST(Limits, ParsedFromNameValueLists) {
  const Limits l = parse_limits("max_workers=8,,max_trace_time_ns=2.5e9", "test");
  EXPECT_EQ(l.max_workers, 8u);
  EXPECT_EQ(l.max_trace_time_ns, 2.5e9);
  EXPECT_EQ(l.max_trace_requests, Limits{}.max_trace_requests);
  EXPECT_NE(message_of([] { parse_limits("max_workers=0", "env"); }).find("env: limit max_workers"),
            std::string::npos);
  EXPECT_NE(message_of([] { parse_limits("max_json_depth=100000", "x"); }).find("[1, 10000]"),
            std::string::npos);
  EXPECT_NE(message_of([] { parse_limits("bogus=1", "x"); }).find("unknown limit 'bogus'"),
            std::string::npos);
  EXPECT_NE(message_of([] { parse_limits("max_workers", "x"); }).find("expected NAME=VALUE"),
            std::string::npos);
  EXPECT_EQ(limit_table().size(), 9u);
}

}  // namespace
}  // namespace accelgym
