// The JSON columns read back what was written, and text that this version
// did not write (hand edits, a damaged file, a future version) becomes a
// StorageError naming the column's problem, never a crash or a silent zero.
#include <gtest/gtest.h>

#include "storage/database.h"
#include "storage/store_internal.h"

namespace facecheck::storage {
namespace {

using internal::decode_details;
using internal::decode_liveness;
using internal::decode_quality;
using internal::encode_details;
using internal::encode_liveness;
using internal::encode_quality;

TEST(JsonColumns, QualityRoundTripsAndAnEmptyObjectMeansNone) {
  vision::FaceQuality q;
  q.face_px = 141.5f;
  q.sharpness = 88.f;
  q.brightness = 120.f;
  q.pose.yaw = -12.f;
  q.problems = {"blurry"};
  const auto back = decode_quality(encode_quality(q));
  ASSERT_TRUE(back.has_value());
  EXPECT_NEAR(back->face_px, 141.5f, 0.1f);
  EXPECT_NEAR(back->pose.yaw, -12.f, 0.1f);
  EXPECT_EQ(back->problems, std::vector<std::string>{"blurry"});
  EXPECT_FALSE(decode_quality(encode_quality(std::nullopt)).has_value());
}

TEST(JsonColumns, CorruptQualityIsAStorageError) {
  for (const char* text :
       {"", "{", "not json", "[1,2]", "42", "null", "\"text\"", R"({"face_px":"wide"})",
        R"({"pose":{"yaw":[1]}})", R"({"problems":"blurry"})", R"({"problems":[1]})"}) {
    try {
      decode_quality(text);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const StorageError& e) {
      EXPECT_NE(std::string(e.what()).find("corrupt JSON column"), std::string::npos) << text;
    }
  }
}

TEST(JsonColumns, LivenessEvidenceRoundTripsAndRejectsWrongTypes) {
  LivenessEvidence l;
  l.method = "active";
  l.score = 0.93;
  l.actions = {"blink", "turn_left"};
  l.passive_score = 0.81;
  const LivenessEvidence back = decode_liveness(encode_liveness(l));
  EXPECT_EQ(back.method, "active");
  ASSERT_TRUE(back.score && back.passive_score);
  EXPECT_DOUBLE_EQ(*back.score, 0.93);
  EXPECT_EQ(back.actions, l.actions);
  EXPECT_EQ(decode_liveness("{}").method, "");
  for (const char* text : {"[]", R"({"score":"high"})", R"({"method":7})", R"({"actions":"blink"})",
                           R"({"passive_score":null})"})
    EXPECT_THROW(decode_liveness(text), StorageError) << text;
}

TEST(JsonColumns, AuditDetailsKeepIntegersAndTextAndShowOtherValuesAsText) {
  const AuditDetails details = {{"version", std::int64_t{2}}, {"method", std::string("qr")}};
  EXPECT_EQ(decode_details(encode_details(details)), details);
  // Written by some other version: kept, as its JSON text, rather than lost.
  const AuditDetails odd = decode_details(R"({"ratio":0.5,"list":[1,2],"flag":true})");
  EXPECT_EQ(std::get<std::string>(odd.at("ratio")), "0.5");
  EXPECT_EQ(std::get<std::string>(odd.at("list")), "[1,2]");
  EXPECT_EQ(std::get<std::string>(odd.at("flag")), "true");
  for (const char* text : {"", "[]", "null", "{\"a\":"})
    EXPECT_THROW(decode_details(text), StorageError) << text;
}

TEST(JsonColumns, InvalidUtf8InDetailsIsReplacedNotThrown) {
  const AuditDetails details = {{"field", std::string("bad \xff byte")}};
  const std::string text = encode_details(details);
  const AuditDetails back = decode_details(text);
  EXPECT_EQ(std::get<std::string>(back.at("field")), "bad \xEF\xBF\xBD byte");
}

}  // namespace
}  // namespace facecheck::storage
