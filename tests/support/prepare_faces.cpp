// Runs the real FaceEngine once over a list of photos and writes what the
// check-in domain would see of them (tests/support/prepared_faces.h):
//   prepare_faces MODELS_DIR DATA_DIR OUT.json RELATIVE_PHOTO...
// Each photo is decoded as an enrolment photo and as a kiosk frame, and
// analysed with CheckinSettings{}' enrolment (SSD) and kiosk (tiny)
// settings respectively.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "checkin/checkin_service.h"
#include "support/prepared_faces.h"
#include "test_support.h"

using namespace facecheck;
using nlohmann::json;

namespace {

json faces_json(vision::FaceEngine& engine, const cv::Mat& image,
                const std::vector<vision::FaceAnalysis>& faces) {
  json out = json::array();
  for (const auto& f : faces) {
    json face = wire::face_json(f);
    face["score"] = f.detection.score;
    face["embedding"] = wire::embedding_json(f.embedding);
    face["model"] = std::string(f.model);
    face["live"] = engine.live_probability(image, f.detection.box);
    face["eyes_closed"] = engine.eyes_closed(image, f.landmarks);
    out.push_back(face);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: prepare_faces MODELS_DIR DATA_DIR OUT.json PHOTO...\n";
    return 2;
  }
  try {
    const checkin::CheckinSettings s;
    vision::FaceEngine engine(argv[1]);
    json frames = json::array();
    for (int i = 4; i < argc; ++i) {
      const std::string bytes =
          facecheck::testing::read_bytes(std::filesystem::path(argv[2]) / argv[i]);
      const cv::Mat photo = vision::decode_image_within(bytes, s.image_limits).pixels;
      const cv::Mat frame = vision::decode_image_within(bytes, s.frame_limits).pixels;
      const auto enrol = engine.analyze(photo, s.enrol_detector, s.enrol_quality,
                                        s.enrol_embed.with_model(s.model));
      const auto kiosk = engine.analyze(frame, s.checkin_detector, {}, s.kiosk_embed(s.model));
      const std::string photo_key = facecheck::testing::pixel_key(photo),
                        frame_key = facecheck::testing::pixel_key(frame);
      auto entry = [&](const std::string& key) {
        json e = json::object();
        e["photo"] = std::string(argv[i]);
        e["key"] = key;
        e["detectors"] = json::object();
        return e;
      };
      json photo_entry = entry(photo_key);
      photo_entry["detectors"]["ssd"] = faces_json(engine, photo, enrol);
      if (photo_key == frame_key) {
        photo_entry["detectors"]["tiny"] = faces_json(engine, frame, kiosk);
        frames.push_back(photo_entry);
      } else {  // a large photo: shrunk further as a kiosk frame
        json frame_entry = entry(frame_key);
        frame_entry["detectors"]["tiny"] = faces_json(engine, frame, kiosk);
        frames.push_back(photo_entry);
        frames.push_back(frame_entry);
      }
    }
    std::ofstream out(argv[3]);
    json doc = json::object();
    doc["model"] = std::string(s.model);
    doc["frames"] = frames;
    out << doc.dump();
    if (!out) throw std::runtime_error(std::string("cannot write ") + argv[3]);
    std::cout << "prepared " << (argc - 4) << " photos into " << argv[3] << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "prepare_faces: " << e.what() << "\n";
    return 1;
  }
}
