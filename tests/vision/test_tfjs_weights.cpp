#include <filesystem>

#include "test_support.h"
#include "vision/model_error.h"
#include "vision/model_store.h"
#include "vision/tfjs_weights.h"

using namespace facecheck::vision;
namespace fs = std::filesystem;

TEST(TfjsWeights, DequantizesUint8AndReadsFloat32) {
  const std::string manifest = R"([{"paths":["m.bin"],"weights":[
    {"name":"q","shape":[2,2],"dtype":"float32","quantization":{"dtype":"uint8","scale":0.5,"min":-1}},
    {"name":"f","shape":[1],"dtype":"float32"}]}])";
  std::string bin = {0, 1, 2, 4};
  const float f = 3.25f;
  bin.append(reinterpret_cast<const char*>(&f), 4);
  const auto w = TfjsWeights::parse(manifest, {{"m.bin", bin}}, "m");
  const auto& q = w.get("q", {2, 2});
  EXPECT_FLOAT_EQ(q.values[0], -1.f);
  EXPECT_FLOAT_EQ(q.values[1], -0.5f);
  EXPECT_FLOAT_EQ(q.values[3], 1.f);
  EXPECT_FLOAT_EQ(w.get("f").values[0], 3.25f);
}

TEST(TfjsWeights, RejectsShapeMismatchTruncationAndMissingTensor) {
  const std::string manifest =
      R"([{"paths":["m.bin"],"weights":[{"name":"f","shape":[2],"dtype":"float32"}]}])";
  EXPECT_THROW(TfjsWeights::parse(manifest, {{"m.bin", std::string(4, '\0')}}, "m"), ModelError);
  const auto w = TfjsWeights::parse(manifest, {{"m.bin", std::string(8, '\0')}}, "m");
  EXPECT_THROW(w.get("f", {3}), ModelError);
  EXPECT_THROW(w.get("nope"), ModelError);
  EXPECT_THROW(TfjsWeights::parse("not json", {}, "m"), ModelError);
  EXPECT_THROW(TfjsWeights::parse(manifest, {}, "m"), ModelError);  // shard missing
}

TEST(ModelStore, LoadsAllFourModels) {
  REQUIRE_MODELS();
  const auto dir = facecheck::testing::models_dir();
  EXPECT_EQ(load_model(dir, kRecognitionModel).count(), 117u);
  EXPECT_EQ(load_model(dir, kLandmarkModel).count(), 49u);
  EXPECT_EQ(load_model(dir, kTinyModel).count(), 19u);
  EXPECT_EQ(load_model(dir, kSsdModel).count(), 151u);
}

TEST(ModelStore, NamesTheCorruptedFileAndTheFetchCommand) {
  REQUIRE_MODELS();
  const fs::path tmp = fs::temp_directory_path() / "facecheck_corrupt_models";
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  const auto src = facecheck::testing::models_dir();
  fs::copy_file(src / "tiny_face_detector_model-weights_manifest.json",
                tmp / "tiny_face_detector_model-weights_manifest.json");
  std::string bin = facecheck::testing::read_bytes(src / "tiny_face_detector_model.bin");
  bin[100] ^= 0x5a;
  std::ofstream(tmp / "tiny_face_detector_model.bin", std::ios::binary) << bin;
  try {
    load_model(tmp, kTinyModel);
    FAIL() << "corrupted file was accepted";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("tiny_face_detector_model.bin"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("fetch-models.sh"), std::string::npos);
  }
  fs::remove(tmp / "tiny_face_detector_model.bin");
  EXPECT_THROW(load_model(tmp, kTinyModel), ModelError);
  fs::remove_all(tmp);
}
