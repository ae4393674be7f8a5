// The quick LFW check: fold 1 of the official View 2 pairs (600 pairs, ~800
// photos) through the full pipeline. The full five-fold figure is in
// docs/accuracy.md with the command that reproduces it.
#include <fstream>
#include <map>
#include <sstream>

#include "cli/worker_pool.h"
#include "eval/labelled_face.h"
#include "eval/verification.h"
#include "test_support.h"
#include "vision/image_decoder.h"

using namespace facecheck;

TEST(LfwFold1, FullPipelineIsAccurateAtTheDefaultThreshold) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  const auto lfw = facecheck::testing::data_dir() / "lfw";
  std::ifstream in(lfw / "pairs.tsv");
  struct Row {
    std::string a, b;
    int same, fold;
  };
  std::vector<Row> rows;
  std::map<std::string, size_t> index;
  std::vector<std::string> images;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream f(line);
    Row r;
    f >> r.a >> r.b >> r.same >> r.fold;
    if (r.fold != 1) continue;
    rows.push_back(r);
    for (const auto* name : {&r.a, &r.b})
      if (index.emplace(*name, images.size()).second) images.push_back(*name);
  }
  ASSERT_EQ(rows.size(), 600u);

  std::vector<eval::LabelledFace> faces(images.size());
  cli::for_each_with_engine(images.size(), 2, "lfw fold 1", [&](auto& engine, size_t i) {
    faces[i] = eval::embed_labelled_face(
        engine, vision::read_image_file(lfw / "images" / images[i]), vision::DetectOptions{});
  });
  size_t fallbacks = 0;
  for (const auto& f : faces) fallbacks += !f.detected;
  EXPECT_LT(fallbacks, images.size() / 50) << "the detector missed too many LFW faces";

  // The default model, with the 1:1 threshold its card was calibrated to.
  const auto& card = vision::recognizer_model(vision::kDefaultModelId);
  std::vector<eval::ScoredPair> scored;
  for (const auto& r : rows)
    scored.push_back({vision::embedding_distance(faces[index[r.a]].embedding,
                                                 faces[index[r.b]].embedding, card.metric),
                      r.same == 1, r.fold});
  const auto report = eval::evaluate_verification(scored, card.match_threshold);
  std::cout << card.id << " fold 1 accuracy at " << card.match_threshold << ": "
            << report.mean_accuracy << ", best threshold " << report.best_threshold << " ("
            << report.best_threshold_accuracy << "), detector misses " << fallbacks << "\n";
  EXPECT_GE(report.mean_accuracy, 0.985);
  EXPECT_NEAR(report.best_threshold, card.match_threshold, 0.06);
}
