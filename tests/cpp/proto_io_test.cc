#include "sim/core/proto_io.h"

#include <gtest/gtest.h>

#include "accelgym/v1/result.pb.h"
#include "sim/core/errors.h"

namespace accelgym {
namespace {

TEST(ProtoIo, ReportJsonPrintsCountsAsNumbers) {
  v1::Metrics m;
  m.set_cycles(12345678901234ULL);
  m.set_latency_ns(1.5);
  (*m.mutable_extra())["sram_energy_pj"] = 2.25;
  const std::string json = to_report_json(m, 0);
  EXPECT_NE(json.find("\"cycles\":12345678901234"), std::string::npos) << json;
  EXPECT_NE(json.find("\"latency_ns\":1.5"), std::string::npos) << json;
  EXPECT_NE(json.find("\"extra\":{\"sram_energy_pj\":2.25}"), std::string::npos) << json;
  EXPECT_NE(json.find("\"energy_pj\":0"), std::string::npos) << json;  // defaults included
}

TEST(ProtoIo, ReportJsonEscapesAndNestsRecords) {
  v1::Evaluation e;
  e.set_message("bad \"value\"\n");
  e.set_status(v1::Evaluation::INVALID);
  (*e.mutable_point()->mutable_values())["rows"].set_number_value(32);
  const std::string json = to_report_json(e, 0);
  EXPECT_NE(json.find(R"("message":"bad \"value\"\n")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("status":"INVALID")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("point":{"values":{"rows":32}})"), std::string::npos) << json;
}

// A map's in-memory order changes from run to run; printed JSON must not (same seed, same
// bytes): both printers list map entries by key.
TEST(ProtoIo, MapsPrintInKeyOrder) {
  v1::Metrics m;
  for (const char* key : {"zeta", "alpha", "mid", "beta", "omega", "kappa"}) {
    (*m.mutable_extra())[key] = 1;
  }
  for (const std::string& json : {to_report_json(m, 0), to_json(m, false)}) {
    size_t last = 0;
    for (const char* key :
         {"\"alpha\"", "\"beta\"", "\"kappa\"", "\"mid\"", "\"omega\"", "\"zeta\""}) {
      const size_t at = json.find(key);
      ASSERT_NE(at, std::string::npos) << json;
      EXPECT_GT(at, last) << key << " out of order in " << json;
      last = at;
    }
  }
}

TEST(ProtoIo, ParseErrorsNameFileAndField) {
  v1::Metrics m;
  try {
    parse_json(R"({"cycls": 3})", "metrics.json", &m);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("metrics.json"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("cycls"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_json("{not json", "x.json", &m), InputError);
  EXPECT_THROW(load_json_file("/nonexistent.json", &m), InputError);
  parse_json(R"({"cycles": "42", "latency_ns": 7})", "ok.json", &m);
  EXPECT_EQ(m.cycles(), 42u);
  EXPECT_EQ(to_json(m, false), R"({"cycles":"42","latency_ns":7})");
}

}  // namespace
}  // namespace accelgym
