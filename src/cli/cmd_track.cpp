// `facecheck track VIDEO`: the head pose and eye openness of the largest
// face in each frame, one CSV row per frame. For looking at what the active
// liveness challenge sees (docs/liveness.md plots its output).
#include <iostream>
#include <opencv2/videoio.hpp>

#include "cli/commands.h"
#include "vision/face_engine.h"
#include "vision/face_motion.h"
#include "vision/model_store.h"

namespace facecheck::cli {
namespace {

struct TrackArgs {
  std::string video;
  int every = 1;
  bool mirror = false;
};

void run_track(const TrackArgs& args) {
  cv::VideoCapture video(args.video);
  if (!video.isOpened()) throw CommandError("cannot open video " + args.video);
  const double fps = video.get(cv::CAP_PROP_FPS);
  vision::FaceEngine engine(vision::default_models_dir());
  const vision::DetectOptions detect{vision::DetectorKind::Tiny, 416, 0.4f, 320};
  std::cout << "frame,seconds,face,yaw,pitch,roll,eye_openness,eyes_closed\n";
  cv::Mat frame;
  for (int n = 0; video.read(frame); ++n) {
    if (n % args.every) continue;
    if (args.mirror) cv::flip(frame, frame, 1);
    const auto faces = engine.detect(frame, detect);
    const auto largest = vision::largest_face(faces);
    std::cout << n << "," << (fps > 0 ? n / fps : 0.0) << ",";
    if (!largest) {
      std::cout << "0,,,,,\n";
      continue;
    }
    const auto landmarks = engine.landmarks(frame, faces[*largest].box);
    const auto motion = vision::measure_motion(landmarks);
    std::cout << "1," << motion.pose.yaw << "," << motion.pose.pitch << "," << motion.pose.roll
              << "," << motion.eye_openness << "," << engine.eyes_closed(frame, landmarks) << "\n";
  }
}

}  // namespace

void add_track_command(CLI::App& app) {
  auto args = std::make_shared<TrackArgs>();
  auto* cmd = app.add_subcommand("track", "Head pose and eye openness per video frame (CSV)");
  cmd->add_option("video", args->video, "Video file (any format OpenCV's FFmpeg reads)")
      ->required();
  cmd->add_option("--every", args->every, "Every Nth frame")->check(CLI::Range(1, 1000));
  cmd->add_flag("--mirror", args->mirror, "Mirror each frame first (a selfie camera's view)");
  cmd->callback([args] { run_track(*args); });
}

}  // namespace facecheck::cli
