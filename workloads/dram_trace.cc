#include "workloads/dram_trace.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "sim/core/errors.h"
#include "sim/core/file_io.h"
#include "sim/core/limits.h"
#include "sim/core/parse.h"

namespace accelgym::workloads {
namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

// The usual shape of a trace line, read in one pass without a branch per hex digit:
// `<digits> <R|W> 0x<hex>` (ns) or `<digits>:\t<read|write>\t0x<hex>[\t...]` (.stl). Anything
// else (comments, decimals, words, more digits than fit) makes it give up, and the general
// parser reads or rejects the line; where both apply they give the same request.
class FastLine {
 public:
  explicit FastLine(std::string_view line) : p_(line.data()), end_(line.data() + line.size()) {}

  // 1 to 15 decimal digits: an integer below 2^53, exactly a double.
  bool number(double& value) {
    uint64_t v = 0;
    const char* first = p_;
    while (p_ < end_ && static_cast<unsigned>(*p_ - '0') <= 9 && p_ - first < 16) {
      v = v * 10 + static_cast<unsigned>(*p_++ - '0');
    }
    value = static_cast<double>(v);
    return p_ > first && p_ - first <= 15;
  }
  bool literal(char c) { return p_ < end_ && *p_ == c ? (++p_, true) : false; }
  bool blanks() {
    const char* first = p_;
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t')) ++p_;
    return p_ > first;
  }
  // `w` as a whole field.
  bool word(std::string_view w) {
    if (static_cast<size_t>(end_ - p_) < w.size() || std::string_view(p_, w.size()) != w)
      return false;
    p_ += w.size();
    return p_ == end_ || *p_ == ' ' || *p_ == '\t';
  }
  // One of `chars` as a whole field.
  bool letter(std::string_view chars, char& which) {
    if (p_ >= end_ || chars.find(*p_) == std::string_view::npos) return false;
    which = *p_++;
    return p_ == end_ || *p_ == ' ' || *p_ == '\t';
  }
  // 0x and 1 to 16 hex digits.
  bool hex(uint64_t& value) {
    if (end_ - p_ < 3 || p_[0] != '0' || (p_[1] | 0x20) != 'x') return false;
    p_ += 2;
    const char* first = p_;
    uint64_t v = 0;  // a local: `value` may alias what the loop reads
    uint8_t digit;
    while (p_ < end_ && (digit = kHexDigit[static_cast<uint8_t>(*p_)]) < 16) {
      v = v << 4 | digit;
      ++p_;
    }
    value = v;
    return p_ > first && p_ - first <= 16;
  }
  // Nothing but blanks (and a '\r') left; `or_field`: or a blank and then anything.
  bool done(bool or_field = false) {
    if (or_field && p_ < end_ && (*p_ == ' ' || *p_ == '\t')) return true;
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r')) ++p_;
    return p_ == end_;
  }

 private:
  static constexpr std::array<uint8_t, 256> kHexDigit = [] {
    std::array<uint8_t, 256> t{};
    t.fill(16);
    for (int i = 0; i < 10; ++i) t[static_cast<size_t>('0' + i)] = static_cast<uint8_t>(i);
    for (int i = 0; i < 6; ++i) {
      t[static_cast<size_t>('a' + i)] = t[static_cast<size_t>('A' + i)] =
          static_cast<uint8_t>(10 + i);
    }
    return t;
  }();
  const char* p_;
  const char* end_;
};

// Splits on spaces/tabs; returns the number of fields found (at most `max`).
size_t fields(std::string_view line, std::string_view* out, size_t max) {
  size_t n = 0, i = 0;
  while (i < line.size() && n < max) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    out[n++] = line.substr(start, i - start);
  }
  return n;
}

class FileTrace final : public TraceSource {
 public:
  FileTrace(const std::string& path, TraceFormat format, double clock_mhz)
      : in_(path),
        format_(format),
        clock_mhz_(clock_mhz),
        max_requests_(limits().max_trace_requests),
        max_time_ns_(limits().max_trace_time_ns) {
    if (format == TraceFormat::kStl && !(std::isfinite(clock_mhz) && clock_mhz > 0)) {
      throw InputError("--trace-clock-mhz must be a finite number > 0");
    }
  }

  bool next(TraceRequest& out) override {
    std::string_view text;
    while (in_.next(text)) {
      line_ = text;
      if (!(format_ == TraceFormat::kStl ? fast_stl(text, out) : fast_ns(text, out))) {
        if (const auto hash = text.find('#'); hash != std::string_view::npos)
          text = text.substr(0, hash);
        text = trim(text);
        if (text.empty()) continue;
        out = format_ == TraceFormat::kStl ? parse_stl(text) : parse_ns(text);
      }
      if (out.time_ns < last_time_ns_)
        fail("time", "goes backwards (traces must be in time order)");
      if (out.time_ns > max_time_ns_) {
        fail("time", fmt::format("{:g} ns is beyond {:g} ns ({})", out.time_ns, max_time_ns_,
                                 limit_hint("max_trace_time_ns")));
      }
      if (++requests_ > max_requests_) {
        fail("", fmt::format("more than {} requests ({})", max_requests_,
                             limit_hint("max_trace_requests")));
      }
      last_time_ns_ = out.time_ns;
      return true;
    }
    return false;
  }

  // next() without a virtual call per request.
  size_t next_batch(TraceRequest* out, uint64_t* positions, size_t capacity) override {
    size_t n = 0;
    while (n < capacity && FileTrace::next(out[n])) positions[n++] = FileTrace::position();
    return n;
  }

  uint64_t position() const override { return static_cast<uint64_t>(in_.line_number()); }
  std::string where_at(uint64_t line) const override {
    return in_.path() + ":" + std::to_string(line);
  }

 private:
  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw InputError::at(in_.path(), in_.line_number(), field,
                         what + " in " + quoted_excerpt(line_));
  }

  uint64_t parse_address(std::string_view text) const {
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
      text.remove_prefix(2);
    uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
      fail("address", "expected a hex address");
    }
    return value;
  }

  double parse_number(std::string_view text, const char* field) const {
    const auto value = to_finite(text);
    if (!value || *value < 0) fail(field, "expected a finite non-negative number");
    return *value;
  }

  bool parse_command(std::string_view text) const {
    if (text == "read" || text == "READ" || text == "R" || text == "r") return false;
    if (text == "write" || text == "WRITE" || text == "W" || text == "w") return true;
    fail("command", "expected read or write");
  }

  // FastLine's lines; false for any other (parse_stl and parse_ns read those).
  bool fast_ns(std::string_view text, TraceRequest& out) const {
    FastLine line(text);
    char command = 0;
    if (!(line.number(out.time_ns) && line.blanks() && line.letter("RrWw", command) &&
          line.blanks() && line.hex(out.address) && line.done())) {
      return false;
    }
    out.is_write = command == 'W' || command == 'w';
    return true;
  }
  bool fast_stl(std::string_view text, TraceRequest& out) const {
    FastLine line(text);
    double cycle = 0;
    if (!(line.number(cycle) && line.literal(':') && line.blanks())) return false;
    out.is_write = line.word("write");
    if (!(out.is_write || line.word("read")) || !line.blanks() || !line.hex(out.address) ||
        !line.done(/*or_field=*/true)) {
      return false;
    }
    out.time_ns = cycle * 1000.0 / clock_mhz_;
    return std::isfinite(out.time_ns);
  }

  TraceRequest parse_stl(std::string_view text) const {
    std::string_view f[4];
    const size_t n = fields(text, f, 4);
    if (n < 3 || f[0].empty() || f[0].back() != ':') {
      fail("", "expected `<cycle>:\\t<read|write>\\t0x<address>`");
    }
    const double cycle = parse_number(f[0].substr(0, f[0].size() - 1), "cycle");
    const double time_ns = cycle * 1000.0 / clock_mhz_;
    if (!std::isfinite(time_ns)) fail("cycle", "its time in ns is not a finite number");
    return TraceRequest{time_ns, parse_command(f[1]), parse_address(f[2])};
  }

  TraceRequest parse_ns(std::string_view text) const {
    std::string_view f[4];
    if (fields(text, f, 4) != 3) fail("", "expected `<time_ns> <R|W> <hex address>`");
    return TraceRequest{parse_number(f[0], "time_ns"), parse_command(f[1]), parse_address(f[2])};
  }

  LineReader in_;
  TraceFormat format_;
  double clock_mhz_;
  uint64_t max_requests_;
  double max_time_ns_;
  std::string_view line_;  // the current line, for errors
  uint64_t requests_ = 0;
  double last_time_ns_ = 0;
};

class Generator : public TraceSource {
 public:
  explicit Generator(const GeneratorConfig& c) : c_(c), rng_(c.seed), pattern_(parse(c.pattern)) {
    if (!(c.read_ratio >= 0 && c.read_ratio <= 1)) {
      throw InputError("--read-ratio must be a number in [0, 1]");
    }
    if (!(std::isfinite(c.interval_ns) && c.interval_ns >= 0)) {
      throw InputError("--interval-ns must be a finite number >= 0");
    }
    const Limits& l = limits();
    if (c.count == 0) throw InputError("the trace's request count must be at least 1");
    if (c.count > l.max_trace_requests) {
      throw InputError(fmt::format("{} requests asked for, at most {} ({})", c.count,
                                   l.max_trace_requests, limit_hint("max_trace_requests")));
    }
    if (c.interval_ns * static_cast<double>(c.count - 1) > l.max_trace_time_ns) {
      throw InputError(fmt::format("{} requests {:g} ns apart end at {:g} ns, beyond {:g} ns ({})",
                                   c.count, c.interval_ns,
                                   c.interval_ns * static_cast<double>(c.count - 1),
                                   l.max_trace_time_ns, limit_hint("max_trace_time_ns")));
    }
    if (c.range_bytes < 64 || c.stride_bytes == 0 || c.phase_length == 0 || c.hot_rows == 0) {
      throw InputError("generator: range, stride, phase length and hot rows must be positive");
    }
  }

  bool next(TraceRequest& out) override {
    if (n_ >= c_.count) return false;
    out.time_ns = c_.interval_ns * static_cast<double>(n_);
    out.is_write = c_.read_ratio < 1.0 && rng_.uniform01() >= c_.read_ratio;
    out.address = address();
    ++n_;
    return true;
  }

  uint64_t position() const override { return n_ == 0 ? 0 : n_ - 1; }
  std::string where_at(uint64_t i) const override {
    return "generated request " + std::to_string(i);
  }

 private:
  uint64_t random_line() { return c_.base + rng_.uniform(c_.range_bytes / 64) * 64; }

  enum class Pattern { kSequential, kStrided, kRandom, kHotRow, kMixed };

  static Pattern parse(const std::string& name) {
    if (name == "sequential") return Pattern::kSequential;
    if (name == "strided") return Pattern::kStrided;
    if (name == "random") return Pattern::kRandom;
    if (name == "hot-row") return Pattern::kHotRow;
    if (name == "mixed") return Pattern::kMixed;
    throw InputError("unknown trace pattern '" + name +
                     "' (sequential, random, strided, hot-row, mixed, or a named set: stream, "
                     "random, cloud-1, cloud-2)");
  }

  uint64_t address() {
    switch (pattern_) {
      case Pattern::kSequential:
      case Pattern::kStrided:
        return c_.base + n_ * c_.stride_bytes;
      case Pattern::kRandom:
        return random_line();
      case Pattern::kHotRow:
        // Same bank, rotating rows: every access is a row conflict under an open page.
        return c_.base + (n_ % c_.hot_rows) * c_.row_stride_bytes + (n_ / c_.hot_rows % 16) * 64;
      case Pattern::kMixed:
        break;
    }
    // mixed: alternate sequential and random phases; a sequential phase resumes where the
    // previous one stopped.
    const bool random_phase = ((n_ / c_.phase_length) % 2 == 1) != c_.start_random;
    if (random_phase) return random_line();
    return c_.base + (seq_next_++ * 64) % c_.range_bytes;
  }

  GeneratorConfig c_;
  Rng rng_;
  Pattern pattern_;
  uint64_t n_ = 0;
  uint64_t seq_next_ = 0;
};

class VectorTrace : public TraceSource {
 public:
  explicit VectorTrace(std::vector<TraceRequest> requests) : requests_(std::move(requests)) {
    for (size_t i = 1; i < requests_.size(); ++i) {
      if (requests_[i].time_ns < requests_[i - 1].time_ns) {
        throw InputError(fmt::format("request {}: time goes backwards", i));
      }
    }
  }
  bool next(TraceRequest& out) override {
    if (pos_ >= requests_.size()) return false;
    out = requests_[pos_++];
    return true;
  }
  uint64_t position() const override { return pos_ == 0 ? 0 : pos_ - 1; }
  std::string where_at(uint64_t i) const override { return "request " + std::to_string(i); }

 private:
  std::vector<TraceRequest> requests_;
  size_t pos_ = 0;
};

// Replays a generated trace held in memory, named as the generator names its requests.
class ReplayTrace : public TraceSource {
 public:
  explicit ReplayTrace(std::shared_ptr<const std::vector<TraceRequest>> requests)
      : requests_(std::move(requests)) {}
  bool next(TraceRequest& out) override {
    if (pos_ >= requests_->size()) return false;
    out = (*requests_)[pos_++];
    return true;
  }
  uint64_t position() const override { return pos_ == 0 ? 0 : pos_ - 1; }
  std::string where_at(uint64_t i) const override {
    return "generated request " + std::to_string(i);
  }
  size_t next_batch(TraceRequest* out, uint64_t* positions, size_t capacity) override {
    const size_t n = std::min(capacity, requests_->size() - pos_);
    std::copy_n(requests_->begin() + static_cast<std::ptrdiff_t>(pos_), n, out);
    for (size_t i = 0; i < n; ++i) positions[i] = pos_ + i;
    pos_ += n;
    return n;
  }

 private:
  std::shared_ptr<const std::vector<TraceRequest>> requests_;
  size_t pos_ = 0;
};

}  // namespace

GeneratedTrace::GeneratedTrace(const GeneratorConfig& config) {
  auto source = generate_trace(config);
  auto requests = std::make_shared<std::vector<TraceRequest>>();
  requests->reserve(config.count);
  for (TraceRequest r; source->next(r);) requests->push_back(r);
  requests_ = std::move(requests);
}

std::unique_ptr<TraceSource> GeneratedTrace::replay() const {
  return std::make_unique<ReplayTrace>(requests_);
}

std::unique_ptr<TraceSource> trace_from(std::vector<TraceRequest> requests) {
  return std::make_unique<VectorTrace>(std::move(requests));
}

TraceFormat parse_trace_format(const std::string& name) {
  if (name == "stl") return TraceFormat::kStl;
  if (name == "ns") return TraceFormat::kNs;
  throw InputError("unknown trace format '" + name + "' (stl or ns)");
}

std::unique_ptr<TraceSource> open_trace(const std::string& path, TraceFormat format,
                                        double clock_mhz) {
  return std::make_unique<FileTrace>(path, format, clock_mhz);
}

GeneratorConfig named_trace(const std::string& name) {
  GeneratorConfig c;
  c.count = 10000;
  c.interval_ns = 1.25;  // one request per cycle of the 800 MHz trace clock
  if (name == "stream") {
    c.pattern = "sequential";
  } else if (name == "random") {
    c.pattern = "random";
  } else if (name == "cloud-1" || name == "cloud-2") {
    c.pattern = "mixed";
    c.start_random = name == "cloud-2";
  } else {
    throw InputError("unknown trace set '" + name + "' (stream, random, cloud-1, cloud-2)");
  }
  return c;
}

std::unique_ptr<TraceSource> generate_trace(const GeneratorConfig& config) {
  return std::make_unique<Generator>(config);
}

}  // namespace accelgym::workloads
