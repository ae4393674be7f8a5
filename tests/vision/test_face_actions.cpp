// The action detectors of the active liveness challenge on real landmark
// sequences: videos of real people (../shared/data/video/actions), and
// still photos (LFW) sent as sequences of shifted, scaled, rotated and
// re-encoded copies, which must never perform an action.
#include <gtest/gtest.h>

#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "test_support.h"
#include "vision/face_actions.h"
#include "vision/face_engine.h"
#include "vision/image_decoder.h"

using namespace facecheck::vision;

namespace {

struct Frame {
  double seconds;
  ActionSample sample;
};

class Tracking {
 public:
  Tracking() : engine_(facecheck::testing::models_dir()) {}

  // The sample of the largest face, as a kiosk frame is analysed.
  std::optional<ActionSample> sample(const cv::Mat& frame) {
    const auto faces = engine_.detect(frame, {DetectorKind::Tiny, 416, 0.4f, 320});
    const auto largest = largest_face(faces);
    if (!largest) return std::nullopt;
    const Landmarks lm = engine_.landmarks(frame, faces[*largest].box);
    return ActionSample{measure_motion(lm), engine_.eyes_closed(frame, lm)};
  }

 private:
  FaceEngine engine_;
};

Tracking& tracking() {
  static Tracking t;
  return t;
}

// Every `step`th frame of a video (mirrored on request), with a face.
const std::vector<Frame>& video_frames(const std::string& name, int step, bool mirror = false) {
  static std::map<std::string, std::vector<Frame>> cache;
  const std::string key = name + std::to_string(step) + (mirror ? "m" : "");
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  cv::VideoCapture video((facecheck::testing::data_dir() / "video/actions" / name).string());
  EXPECT_TRUE(video.isOpened()) << name;
  const double fps = video.get(cv::CAP_PROP_FPS);
  std::vector<Frame> frames;
  cv::Mat frame;
  for (int n = 0; video.read(frame); ++n) {
    if (n % step) continue;
    if (mirror) cv::flip(frame, frame, 1);
    if (auto s = tracking().sample(frame)) frames.push_back({n / fps, *s});
  }
  return cache[key] = frames;
}

// A tracker fed the frames between two times (seconds).
ActionTracker track(const std::vector<Frame>& frames, double from = 0, double to = 1e9) {
  ActionTracker tracker;
  for (const Frame& f : frames)
    if (f.seconds >= from && f.seconds <= to) tracker.feed(f.sample);
  return tracker;
}

#define REQUIRE_INPUTS() \
  do {                   \
    REQUIRE_DATA();      \
    REQUIRE_MODELS();    \
  } while (0)

}  // namespace

TEST(FaceActionNames, RoundTrip) {
  for (FaceAction a :
       {FaceAction::TurnLeft, FaceAction::TurnRight, FaceAction::Nod, FaceAction::Blink})
    EXPECT_EQ(parse_face_action(face_action_name(a)), a);
  EXPECT_EQ(parse_face_action("wink"), std::nullopt);
}

// LivePortrait d9: a young man with glasses at a webcam, blinking about
// every second or two, no turns and no nods.
TEST(FaceActions, BlinksOfAWebcamClipAreSeenAndNothingElse) {
  REQUIRE_INPUTS();
  const auto& frames = video_frames("liveportrait_d9.mp4", 2);
  ASSERT_GT(frames.size(), 250u);
  // The labelled blinks near 0.4 s and 1.2-1.4 s, each in its own window.
  EXPECT_TRUE(track(frames, 0.0, 0.9).performed(FaceAction::Blink));
  EXPECT_TRUE(track(frames, 0.9, 1.9).performed(FaceAction::Blink));
  EXPECT_TRUE(track(frames, 9.5, 10.6).performed(FaceAction::Blink));
  // 2.5-3.8 s has no blink in the labels.
  EXPECT_FALSE(track(frames, 2.5, 3.8).performed(FaceAction::Blink));
  const ActionTracker whole = track(frames);
  EXPECT_FALSE(whole.performed(FaceAction::TurnLeft));
  EXPECT_FALSE(whole.performed(FaceAction::TurnRight));
}

// LivePortrait d3: a clear turn towards the image's right (the subject's
// left in this unmirrored clip) at ~9 s; mirrored, the same turn is a turn
// to the right.
TEST(FaceActions, ATurnIsSeenInItsDirectionAndMirroredInTheMirror) {
  REQUIRE_INPUTS();
  const auto& frames = video_frames("liveportrait_d3.mp4", 2);
  const ActionTracker turn = track(frames, 7.0, 10.0);
  ASSERT_TRUE(turn.started());
  EXPECT_TRUE(turn.performed(FaceAction::TurnLeft));
  EXPECT_FALSE(turn.performed(FaceAction::TurnRight));
  const ActionTracker mirrored = track(video_frames("liveportrait_d3.mp4", 2, true), 7.0, 10.0);
  EXPECT_TRUE(mirrored.performed(FaceAction::TurnRight));
  EXPECT_FALSE(mirrored.performed(FaceAction::TurnLeft));
}

// The facemesh clip tilts the head (roll) by ~35 degrees both ways: a tilt
// is not a turn.
TEST(FaceActions, HeadRollIsNotATurn) {
  REQUIRE_INPUTS();
  const ActionTracker t = track(video_frames("tfjs-models_facemesh_input.mp4", 2), 1.0, 6.0);
  ASSERT_TRUE(t.started());
  EXPECT_FALSE(t.performed(FaceAction::TurnLeft));
  EXPECT_FALSE(t.performed(FaceAction::TurnRight));
}

// An action only counts from the frame it is asked for on.
TEST(FaceActions, AnActionBeforeItsTurnDoesNotCount) {
  REQUIRE_INPUTS();
  const auto& frames = video_frames("liveportrait_d3.mp4", 2);
  ActionTracker t = track(frames, 7.0, 10.0);
  EXPECT_TRUE(t.performed(FaceAction::TurnLeft, 0));
  EXPECT_FALSE(t.performed(FaceAction::TurnLeft, t.frames()));
}

namespace {

cv::Mat warp(const cv::Mat& image, double dx, double dy, double scale, double degrees) {
  const cv::Point2f centre(image.cols / 2.f, image.rows / 2.f);
  cv::Mat m = cv::getRotationMatrix2D(centre, degrees, scale);
  m.at<double>(0, 2) += dx;
  m.at<double>(1, 2) += dy;
  cv::Mat out;
  cv::warpAffine(image, out, m, image.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  return out;
}

cv::Mat reencode(const cv::Mat& image, int quality) {
  std::vector<uchar> jpeg;
  cv::imencode(".jpg", image, jpeg, {cv::IMWRITE_JPEG_QUALITY, quality});
  return cv::imdecode(jpeg, cv::IMREAD_COLOR);
}

// What someone holding up a photo, or replaying one, can send: the photo
// itself, copies moved by a few pixels, scaled, rotated in the image plane,
// re-encoded, and combinations of these.
std::vector<cv::Mat> still_photo_sequence(const cv::Mat& photo) {
  std::vector<cv::Mat> frames{photo, photo.clone(), photo.clone()};
  for (double d : {-6.0, -3.0, 3.0, 6.0}) frames.push_back(warp(photo, d, -d / 2, 1.0, 0));
  for (double s : {0.9, 0.95, 1.05, 1.1}) frames.push_back(warp(photo, 0, 0, s, 0));
  for (double r : {-10.0, -5.0, 5.0, 10.0}) frames.push_back(warp(photo, 0, 0, 1.0, r));
  for (int q : {40, 60, 80, 95}) frames.push_back(reencode(photo, q));
  for (int i = 0; i < 6; ++i)
    frames.push_back(
        reencode(warp(photo, 4 - i * 1.5, i - 3, 0.92 + i * 0.03, i * 3 - 8), 55 + i * 7));
  frames.push_back(photo);
  return frames;
}

}  // namespace

TEST(FaceActions, AStillPhotoSentAsAFrameSequenceNeverPerformsAnAction) {
  REQUIRE_INPUTS();
  const auto root = facecheck::testing::data_dir() / "lfw" / "images";
  int started = 0, photos = 0;
  std::vector<std::filesystem::path> people;
  for (const auto& d : std::filesystem::directory_iterator(root)) people.push_back(d.path());
  std::sort(people.begin(), people.end());
  ASSERT_GT(people.size(), 2000u);
  for (size_t k = 0; k < people.size(); k += 200) {  // 15 people, A to Z
    const std::string person = people[k].filename().string();
    std::vector<std::filesystem::path> files;
    for (const auto& f : std::filesystem::directory_iterator(people[k])) files.push_back(f);
    ASSERT_FALSE(files.empty()) << person;
    std::sort(files.begin(), files.end());
    const cv::Mat photo = read_image_file(files.front());
    ActionTracker tracker;
    for (const cv::Mat& frame : still_photo_sequence(photo))
      if (auto s = tracking().sample(frame)) tracker.feed(*s);
    ++photos;
    if (!tracker.started()) continue;  // not frontal: a challenge cannot even begin
    ++started;
    for (FaceAction a :
         {FaceAction::TurnLeft, FaceAction::TurnRight, FaceAction::Nod, FaceAction::Blink})
      EXPECT_FALSE(tracker.performed(a)) << person << " " << face_action_name(a);
  }
  EXPECT_GE(started, photos * 3 / 4);
}
