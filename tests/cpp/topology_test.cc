#include <gtest/gtest.h>

#include <sstream>

#include "sim/core/errors.h"
#include "workloads/layer.h"
#include "workloads/network_zoo.h"
#include "workloads/topology_reader.h"

namespace accelgym::workloads {
namespace {

v1::Network parse(const std::string& text, bool gemm = false) {
  return parse_topology_csv(text, "net.csv", gemm);
}

std::string error_of(const std::string& text, bool gemm = false) {
  try {
    parse(text, gemm);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

const char* kHeader =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
    "Strides,\n";

TEST(TopologyCsv, ConvFormWithScaleSimQuirks) {
  // Trailing commas, padded fields, a blank line, CRLF, and no newline at the end.
  const auto net = parse(std::string(kHeader) + "\nConv1     ,224 ,224, 11, 11, 3, 96, 4,\r\n" +
                         "Conv2,27,27,5,5,96,256,1,");
  ASSERT_EQ(net.layers_size(), 2);
  const auto& c1 = net.layers(0);
  EXPECT_EQ(c1.name(), "Conv1");
  EXPECT_EQ(c1.kind(), v1::Layer::CONV);
  EXPECT_EQ(c1.ifmap_h(), 224u);
  EXPECT_EQ(c1.filter_w(), 11u);
  EXPECT_EQ(c1.channels(), 3u);
  EXPECT_EQ(c1.num_filters(), 96u);
  EXPECT_EQ(c1.stride_h(), 4u);
  EXPECT_EQ(c1.stride_w(), 4u);
  EXPECT_EQ(net.layers(1).num_filters(), 256u);
}

TEST(TopologyCsv, GemmFormByHeaderOrFlag) {
  const auto net = parse("Layer, M, N, K,\nQKT,1024,1024,64,\n");
  ASSERT_EQ(net.layers_size(), 1);
  EXPECT_EQ(net.layers(0).kind(), v1::Layer::GEMM);
  EXPECT_EQ(net.layers(0).m(), 1024u);
  EXPECT_EQ(net.layers(0).k(), 64u);
  EXPECT_NE(error_of(std::string(kHeader) + "a,1,1,1,1,1,1,1,\n", true).find("header"),
            std::string::npos);
}

// As SCALE-Sim's topology_utils.py: a row whose name contains DP is one single-channel layer
// per channel, each with all the row's filters (accelgym and SCALE-Sim main give the same three
// report files for such a row; checked by hand, 2026-12-06); a 9th value is the stride width.
TEST(TopologyCsv, DpRowsAreOneLayerPerChannelAndANinthColumnIsTheStrideWidth) {
  const auto net =
      parse(std::string(kHeader) + "conv_DP2,112,112,3,3,3,5,1,\nc,16,20,3,3,4,8,1,2,\n");
  ASSERT_EQ(net.layers_size(), 4);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(net.layers(i).name(), "conv_DP2Channel_" + std::to_string(i));
    EXPECT_EQ(net.layers(i).kind(), v1::Layer::CONV);
    EXPECT_EQ(net.layers(i).channels(), 1u);
    EXPECT_EQ(net.layers(i).num_filters(), 5u);
    EXPECT_EQ(net.layers(i).stride_w(), 1u);
  }
  EXPECT_EQ(net.layers(3).stride_h(), 1u);
  EXPECT_EQ(net.layers(3).stride_w(), 2u);
  const auto nine = parse(
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
      "Stride Height, Stride Width,\nc,16,20,3,3,4,8,2,1,\n");
  EXPECT_EQ(nine.layers(0).stride_h(), 2u);
  EXPECT_EQ(nine.layers(0).stride_w(), 1u);
  EXPECT_NE(error_of(std::string(kHeader) + "c,16,20,3,3,4,8,1,2,3,\n").find("expected 8 or 9"),
            std::string::npos);
}

TEST(TopologyCsv, ErrorsNameFileLineAndField) {
  EXPECT_NE(error_of(std::string(kHeader) + "ok,8,8,3,3,1,1,1,\nbad,8,8,3,x3,1,1,1,\n")
                .find("net.csv:3: field 'Filter Width': 'x3' is not a non-negative integer"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "short,8,8,3,\n").find("net.csv:2"), std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "zero,8,8,3,3,0,1,1,\n")
                .find("field 'Channels': must be at least 1"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "big,2,8,3,3,1,1,1,\n").find("Filter Height"),
            std::string::npos);
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
  EXPECT_NE(error_of(kHeader).find("no layers"), std::string::npos);
  EXPECT_NE(error_of("a,b,c\n").find("header"), std::string::npos);
}

TEST(NetworkZoo, BuiltinsLoadWithTheirShapes) {
  for (const auto& b : builtin_networks()) {
    const auto net = load_network(b.name);
    EXPECT_GT(net.layers_size(), 0) << b.name;
    EXPECT_FALSE(net.source().empty()) << b.name;
  }
  EXPECT_EQ(load_network("alexnet").layers_size(), 5);
  EXPECT_EQ(load_network("resnet50").layers_size(), 54);
  EXPECT_EQ(load_network("gemm_test").layers(0).n(), 64u);
  EXPECT_EQ(load_network("gpt2").layers(0).kind(), v1::Layer::GEMM);
}

TEST(NetworkZoo, UnknownNameListsTheBuiltins) {
  try {
    load_network("resnet51");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("resnet50"), std::string::npos);
  }
  EXPECT_THROW(load_network("/nonexistent/file.csv"), InputError);
}

}  // namespace
}  // namespace accelgym::workloads

namespace accelgym::workloads {
namespace {

uint64_t macs_of(const v1::Network& net) {
  uint64_t total = 0;
  for (const auto& l : net.layers()) total += lower(l, LoweringRule::kStandard).macs();
  return total;
}

TEST(NetworkZoo, MacCountsMatchThePublishedFigures) {
  // Published multiply-accumulates (the papers' "FLOPs"/"mult-adds"), within 1.5 %.
  const std::pair<const char*, double> expected[] = {
      {"vgg16", 15.5e9},        // Simonyan & Zisserman
      {"resnet18-tv", 1.8e9},   // He et al. Table 1
      {"mobilenet-v1", 569e6},  // Howard et al. Table 1
      {"mobilenet-v2", 300e6},  // Sandler et al. Table 3
      {"vit-b16", 17.6e9},      // Dosovitskiy et al. Table 1
  };
  for (const auto& [name, macs] : expected) {
    EXPECT_NEAR(static_cast<double>(macs_of(load_network(name))), macs, 0.015 * macs) << name;
  }
}

TEST(NetworkZoo, TransformerShapesAndSequenceLength) {
  // One BERT-base layer at S = 128, D = 768, F = 3072, 12 heads:
  // 4 S D^2 + 2 S^2 D + 2 S D F = 931 135 488 MACs.
  EXPECT_EQ(macs_of(load_network("bert-base")), 931135488u);
  const auto gpt = load_network("gpt2-small", false, 64);
  ASSERT_EQ(gpt.layers_size(), 6);
  EXPECT_EQ(gpt.layers(1).name(), "qk_t");
  EXPECT_EQ(gpt.layers(1).m(), 64u);
  EXPECT_EQ(gpt.layers(1).k(), 64u);  // head dimension 768 / 12
  EXPECT_EQ(gpt.layers(1).repeat(), 12u);
  EXPECT_THROW(load_network("alexnet", false, 64), InputError);
  EXPECT_EQ(load_network("vit-b16").layers(0).name(), "patch_embed");
  EXPECT_EQ(lower(load_network("vit-b16").layers(0), LoweringRule::kStandard).m, 196u);
}

}  // namespace
}  // namespace accelgym::workloads
