#include "vision/recognizer_model.h"

#include <stdexcept>

namespace facecheck::vision {
namespace {

// dlib ResNet-34: p(T) from the `pair_fmr` column of
//   facecheck eval-identify --list identify_ge5.tsv --images DIR
//     --unknown 1000 --checkin-pipeline --model dlib-resnet34-128
// over its 672,573 different-person pairs (flip-averaged kiosk embeddings).
// The strictest point rests on 3 pairs: below it nothing was measured, so it
// is also the floor of the open-set default.
constexpr PairFmrPoint kDlibPairFmr[] = {
    {0.41f, 4.460e-06}, {0.42f, 1.338e-05}, {0.43f, 1.784e-05}, {0.44f, 2.230e-05},
    {0.45f, 4.163e-05}, {0.46f, 6.096e-05}, {0.47f, 8.475e-05}, {0.48f, 1.264e-04},
    {0.49f, 1.710e-04}, {0.50f, 2.409e-04}, {0.51f, 3.241e-04}, {0.52f, 4.981e-04},
    {0.53f, 7.226e-04}, {0.54f, 1.053e-03}, {0.55f, 1.462e-03}, {0.56f, 2.122e-03},
    {0.57f, 3.014e-03}, {0.58f, 4.297e-03}, {0.59f, 5.950e-03}, {0.60f, 8.283e-03},
};

// ArcFace (faceplugin fr_feature.onnx), cosine distance: the same protocol
// and pairs with --model arcface-fp-512 (the default) and its single-pass
// kiosk embedding (kiosk_flip_average false). The strictest point
// rests on 2 pairs and is the floor of the default (reached at ~3,400
// templates).
constexpr PairFmrPoint kArcFacePairFmr[] = {
    {0.46f, 2.974e-06}, {0.47f, 2.974e-06}, {0.48f, 5.947e-06}, {0.49f, 1.041e-05},
    {0.50f, 1.338e-05}, {0.51f, 1.636e-05}, {0.52f, 1.784e-05}, {0.53f, 1.933e-05},
    {0.54f, 2.974e-05}, {0.55f, 3.568e-05}, {0.56f, 5.204e-05}, {0.57f, 7.137e-05},
    {0.58f, 8.475e-05}, {0.59f, 1.100e-04}, {0.60f, 1.412e-04}, {0.61f, 1.888e-04},
    {0.62f, 2.647e-04}, {0.63f, 3.494e-04}, {0.64f, 4.565e-04}, {0.65f, 6.007e-04},
    {0.66f, 7.702e-04}, {0.67f, 1.010e-03}, {0.68f, 1.301e-03}, {0.69f, 1.744e-03},
    {0.70f, 2.315e-03}, {0.71f, 3.032e-03}, {0.72f, 3.989e-03}, {0.73f, 5.083e-03},
    {0.74f, 6.549e-03}, {0.75f, 8.401e-03},
};

constexpr RecognizerModel kDlib{
    kDlibModelId,
    128,
    ScoreMetric::Euclidean,
    0.59f,
    0.42f,
    true,  // flip-averaged kiosk frames: FNIR at FPIR 1% 29.5% -> 26.3%
    kDlibPairFmr,
    "dlib ResNet-34 metric net (face-api face_recognition_model), 150x150 dlib chip"};

constexpr RecognizerModel kArcFace{
    kArcFaceModelId, 512, ScoreMetric::Cosine,
    // 1:1: LFW's ten-fold-style protocol on folds 1-5 chose 0.717-0.735 per
    // held-out fold, 0.717 over all (docs/accuracy.md). Duplicates: about
    // the open-set default of a 1,000-template gallery, as for dlib.
    0.72f, 0.49f,
    // Kiosk frames embed in one pass: the flip average measured FNIR at
    // FPIR 1% 2.08% vs 2.16% single, 8.5% vs 8.1% at the 1,000-person
    // threshold, i.e. nothing, for +11 ms per face (the graph runs batch 1).
    false, kArcFacePairFmr,
    "ArcFace-style ResNet (faceplugin fr_feature.onnx), 112x112 five-point warp"};

constexpr const RecognizerModel* kModels[] = {&kArcFace, &kDlib};
static_assert(kDefaultModelId == kArcFaceModelId, "kModels lists the default first");

}  // namespace

const RecognizerModel& recognizer_model(std::string_view id) {
  for (const RecognizerModel* m : kModels)
    if (m->id == id) return *m;
  throw std::invalid_argument("unknown recognition model '" + std::string(id) +
                              "' (known: " + recognizer_model_ids() + ")");
}

std::span<const RecognizerModel* const> recognizer_models() { return kModels; }

std::string recognizer_model_ids() {
  std::string out;
  for (const RecognizerModel* m : kModels) {
    if (!out.empty()) out += ", ";
    out += m->id;
  }
  return out;
}

}  // namespace facecheck::vision
