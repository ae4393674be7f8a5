// Acceptance: bad input is refused with the contract's status and leaves the
// database exactly as it was. Broken and unsupported image files, a text
// file, bodies over the limit, an image header claiming 30000x30000 pixels,
// missing fields, wrong JSON types and unknown ids go to every route that
// takes them; the stats, people, attendees, templates, kiosks and the
// attendance export are compared before and after.
#include <gtest/gtest.h>

#include <array>
#include <iostream>

#include "http/acceptance_support.h"

namespace facecheck::acceptance {
namespace {

constexpr const char* kUnknown = "987654";

fs::path imgtools() { return facecheck::testing::data_dir() / "faces/compreface/imgtools_test"; }

uint32_t crc32(const std::string& bytes) {
  uint32_t crc = 0xFFFFFFFFu;
  for (const unsigned char b : bytes) {
    crc ^= b;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void put_be32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

void put_chunk(std::string& png, const std::string& type, const std::string& data) {
  put_be32(png, static_cast<uint32_t>(data.size()));
  png += type + data;
  put_be32(png, crc32(type + data));
}

// A valid PNG header (signature, IHDR with a correct CRC) claiming
// width x height RGB pixels, a token IDAT and IEND: tiny on the wire.
std::string png_claiming(uint32_t width, uint32_t height) {
  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  put_be32(ihdr, width);
  put_be32(ihdr, height);
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, deflate, no interlace
  put_chunk(png, "IHDR", ihdr);
  put_chunk(png, "IDAT", std::string("\x78\x9c\x03\x00\x00\x00\x00\x01", 8));
  put_chunk(png, "IEND", "");
  return png;
}

class BadInput : public ::testing::Test {
 protected:
  // A 1 MiB body limit makes "too large" cheap to send.
  static void SetUpTestSuite() {
    suite_.start("facecheck-accept-bad",
                 {"--workers", "1", "--kiosk-rps", "0", "--max-body-mb", "1"});
  }
  static void TearDownTestSuite() { suite_.stop(); }

  void SetUp() override {
    REQUIRE_ACCEPTANCE_INPUTS();
    if (!fs::exists(imgtools() / "einstein.gif"))
      SKIP_FOR_MISSING_INPUT("imgtools_test images not found in " << imgtools());
    ASSERT_TRUE(suite_.started()) << "the server did not start\n" << suite_.log();
    admin_ = std::make_unique<Api>(suite_.server().port(), suite_.server().admin_key());
    const Reply e = admin_->post_json("/api/v1/events", open_event_body("bad input"));
    ASSERT_EQ(e.status, 201) << e.body;
    event_ = e.data()["id"].get<int64_t>();
    const Reply k =
        admin_->post_json("/api/v1/events/" + std::to_string(event_) + "/kiosks", {{"name", "k"}});
    ASSERT_EQ(k.status, 201) << k.body;
    kiosk_ = std::make_unique<Api>(suite_.server().port(), k.data()["token"].get<std::string>());
    // Two enrolled attendees, one of them checked in, so the export and
    // the stats have something to lose.
    const auto people = lfw_identify_people();
    for (size_t i = 0; i < 2; ++i) {
      const auto outcome = enrol_lfw_person(*admin_, event_, people[100 + i], 3);
      ASSERT_GE(outcome.photo_index, 0) << people[100 + i].name;
      people_.push_back(outcome.person_id);
      probe_ = people[100].photos[static_cast<size_t>(outcome.tried.back()) + 1];
      if (i == 0) {
        const Reply c = kiosk_->post_image(ev("/checkin"), read_text(probe_));
        ASSERT_EQ(c.status, 200) << c.body;
      }
    }
  }

  std::string ev(const std::string& rest = "") const {
    return "/api/v1/events/" + std::to_string(event_) + rest;
  }
  std::string person(size_t i, const std::string& rest = "") const {
    return "/api/v1/people/" + std::to_string(people_[i]) + rest;
  }

  // Everything a refused request could have changed.
  std::string snapshot() {
    std::string s;
    auto add = [&](const std::string& path) {
      const Reply r = admin_->get(path);
      EXPECT_EQ(r.status, 200) << path << ": " << r.body;
      s += "== " + path + "\n" + r.body + "\n";
    };
    add("/api/v1/events");
    add(ev());
    add(ev("/stats"));
    add(ev("/attendees"));
    add(ev("/export.csv"));
    add(ev("/kiosks"));
    add("/api/v1/people?limit=1000");
    for (size_t i = 0; i < people_.size(); ++i) add(person(i, "/faces"));
    add("/api/v1/admin/keys");
    return s;
  }

  // Sends `r` and checks the status (and the error code when given).
  void expect(const std::string& what, const Reply& r, int status, const std::string& code = "") {
    ++requests_;
    EXPECT_EQ(r.status, status) << what << ": " << r.body;
    if (!code.empty()) {
      EXPECT_EQ(r.error_code(), code) << what << ": " << r.body;
    }
    if (r.status >= 400 && r.status != 413) {
      EXPECT_FALSE(r.error_code().empty()) << what << ": no error object: " << r.body;
    }
  }

  static inline SuiteServer suite_;
  std::unique_ptr<Api> admin_, kiosk_;
  int64_t event_ = 0;
  std::vector<int64_t> people_;
  fs::path probe_;
  int requests_ = 0;
};

TEST_F(BadInput, BrokenAndUnsupportedImagesChangeNothing) {
  const std::string before = snapshot();
  struct File {
    std::string name;
    std::string bytes;
    int status;
    std::string code;
  };
  const std::vector<File> files = {
      {"truncated.jpg", read_text(imgtools() / "truncated.jpg"), 400, "image_truncated"},
      {"corrupted.png", read_text(imgtools() / "corrupted.png"), 400, ""},
      {"empty.png", read_text(imgtools() / "empty.png"), 400, ""},
      {"einstein.gif", read_text(imgtools() / "einstein.gif"), 415, "image_unsupported_format"},
      {"einstein.tiff", read_text(imgtools() / "einstein.tiff"), 415, "image_unsupported_format"},
      {"einstein.ico", read_text(imgtools() / "einstein.ico"), 415, "image_unsupported_format"},
      {"notes.txt", "These are the minutes of the meeting, not a photo.\n", 400, "not_an_image"},
      {"huge.png (30000x30000 header)", png_claiming(30000, 30000), 413, "image_too_large"},
      {"tall.png (100x25000 header)", png_claiming(100, 25000), 413, "image_too_large"},
      {"zero.png (0x0 header)", png_claiming(0, 0), 400, ""},
  };
  for (const auto& f : files) {
    expect("enrol " + f.name, admin_->post_image(person(1, "/faces"), f.bytes, {}, f.name),
           f.status, f.code);
    expect("checkin " + f.name, kiosk_->post_image(ev("/checkin"), f.bytes, {}, f.name), f.status,
           f.code);
    expect("self-register " + f.name,
           kiosk_->post_image(ev("/self-register"), f.bytes, {{"name", "Walk Up"}}, f.name),
           f.status, f.code);
    expect("detect " + f.name, admin_->post_image("/api/v1/detect", f.bytes, {}, f.name), f.status,
           f.code);
    // The same bytes as JSON base64.
    const std::string b64 = base64(f.bytes);
    if (!f.bytes.empty())
      expect("checkin json " + f.name, kiosk_->post_json(ev("/checkin"), {{"image", b64}}),
             f.status, f.code);
  }
  EXPECT_EQ(snapshot(), before);
  std::cout << "[bad] image requests refused: " << requests_ << "\n";
}

TEST_F(BadInput, OversizedBodiesAre413AndChangeNothing) {
  const std::string before = snapshot();
  // A real JPEG with 1.5 MiB of junk after it: over the 1 MiB limit.
  const std::string big = read_text(probe_) + std::string(3 << 19, '\0');
  expect("enrol big", admin_->post_image(person(1, "/faces"), big), 413);
  expect("checkin big", kiosk_->post_image(ev("/checkin"), big), 413);
  expect("self-register big", kiosk_->post_image(ev("/self-register"), big, {{"name", "Big"}}),
         413);
  expect("checkin big json", kiosk_->post_json(ev("/checkin"), {{"image", base64(big)}}), 413);
  expect("create person big json",
         admin_->post_json("/api/v1/people", {{"name", std::string(3 << 19, 'x')}}), 413);
  std::string csv = "name\n";
  while (csv.size() < (3u << 19)) csv += "Someone Quite Ordinary\n";
  expect("import big csv", admin_->post_raw(ev("/import"), csv, "text/csv"), 413);
  EXPECT_EQ(snapshot(), before);
  // The server is still serving.
  expect("checkin after", kiosk_->post_image(ev("/checkin"), read_text(probe_)), 200);
}

TEST_F(BadInput, MissingFieldsWrongTypesAndMalformedBodiesChangeNothing) {
  const std::string before = snapshot();
  const std::string photo = read_text(probe_);
  json event = open_event_body("typed");
  auto with = [&](const char* key, const json& value) {
    json e = event;
    e[key] = value;
    return e;
  };
  auto without = [&](const char* key) {
    json e = event;
    e.erase(key);
    return e;
  };
  // Events.
  expect("event no name", admin_->post_json("/api/v1/events", without("name")), 400,
         "missing_field");
  expect("event no starts_at", admin_->post_json("/api/v1/events", without("starts_at")), 400,
         "missing_field");
  expect("event name number", admin_->post_json("/api/v1/events", with("name", 5)), 400,
         "invalid_field");
  expect("event starts_at text", admin_->post_json("/api/v1/events", with("starts_at", "noon")),
         400, "invalid_field");
  expect("event status unknown", admin_->post_json("/api/v1/events", with("status", "maybe")), 400,
         "invalid_field");
  expect("event minutes negative",
         admin_->post_json("/api/v1/events", with("checkin_opens_before_min", -5)), 400);
  expect("event threshold text",
         admin_->post_json("/api/v1/events", with("match_threshold", "low")), 400);
  expect("event array body", admin_->post_raw("/api/v1/events", "[1,2]", "application/json"), 400,
         "invalid_json");
  expect("event malformed", admin_->post_raw("/api/v1/events", "{\"name\": ", "application/json"),
         400, "invalid_json");
  expect("event form body", admin_->post_raw("/api/v1/events", "name=x", "text/plain"), 415);
  expect("patch event threshold text", admin_->patch_json(ev(), {{"match_threshold", "low"}}), 400);
  expect("patch event ends_at bool", admin_->patch_json(ev(), {{"ends_at", true}}), 400);
  // People and attendees.
  expect("person no name", admin_->post_json("/api/v1/people", json::object()), 400,
         "missing_field");
  expect("person name array", admin_->post_json("/api/v1/people", {{"name", json::array()}}), 400,
         "invalid_field");
  expect("person email number", admin_->post_json("/api/v1/people", {{"name", "A"}, {"email", 3}}),
         400, "invalid_field");
  expect("patch person name object", admin_->patch_json(person(0), {{"name", {{"a", 1}}}}), 400,
         "invalid_field");
  expect("attendee empty", admin_->post_json(ev("/attendees"), json::object()), 400);
  expect("attendee id text", admin_->post_json(ev("/attendees"), {{"person_id", "abc"}}), 400);
  expect("kiosk no name", admin_->post_json(ev("/kiosks"), json::object()), 400, "missing_field");
  expect("key name number", admin_->post_json("/api/v1/admin/keys", {{"name", 1}}), 400);
  // Images: missing, wrong member types, bad base64, unknown options.
  expect("enrol no image json", admin_->post_json(person(1, "/faces"), json::object()), 400,
         "missing_image");
  expect("enrol image number", admin_->post_json(person(1, "/faces"), {{"image", 42}}), 400);
  expect("checkin bad base64", kiosk_->post_json(ev("/checkin"), {{"image", "%%%not base64%%%"}}),
         400, "invalid_base64");
  expect("checkin data url not base64",
         kiosk_->post_json(ev("/checkin"), {{"image", "data:image/jpeg,abc"}}), 400,
         "invalid_base64");
  expect("checkin raw jpeg body", kiosk_->post_raw(ev("/checkin"), photo, "image/jpeg"), 415);
  expect("checkin multipart wrong part",
         kiosk_->post_raw(
             ev("/checkin"),
             "--b\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\nx\r\n--b--\r\n",
             "multipart/form-data; boundary=b"),
         400, "missing_image");
  expect("enrol face_index text",
         admin_->post_image(person(1, "/faces"), photo, {{"face_index", "first"}}), 400);
  expect("enrol face_index out of range",
         admin_->post_image(person(1, "/faces"), photo, {{"face_index", "7"}}), 422);
  expect("enrol allow_duplicate text",
         admin_->post_image(person(1, "/faces"), photo, {{"allow_duplicate", "perhaps"}}), 400);
  expect("self-register no name", kiosk_->post_image(ev("/self-register"), photo), 400,
         "missing_field");
  // Guest list: one bad row refuses the whole file.
  expect(
      "import bad row",
      admin_->post_raw(ev("/import"), "name,email\nGood Guest,good@example.org\n,\n", "text/csv"),
      422);
  expect("import no name column",
         admin_->post_raw(ev("/import"), "email\nx@example.org\n", "text/csv"), 422);
  expect("import json", admin_->post_json(ev("/import"), {{"name", "x"}}), 415);
  EXPECT_EQ(snapshot(), before);
  std::cout << "[bad] malformed requests refused: " << requests_ << "\n";
}

TEST_F(BadInput, UnknownIdsAre404AndChangeNothing) {
  const std::string before = snapshot();
  const std::string photo = read_text(probe_);
  const std::string u = kUnknown;
  const std::string event = "/api/v1/events/" + u, somebody = "/api/v1/people/" + u;
  expect("GET event", admin_->get(event), 404, "not_found");
  expect("PATCH event", admin_->patch_json(event, {{"name", "x"}}), 404, "not_found");
  expect("DELETE event", admin_->del(event), 404, "not_found");
  expect("GET stats", admin_->get(event + "/stats"), 404);
  expect("GET attendees", admin_->get(event + "/attendees"), 404);
  expect("POST attendees", admin_->post_json(event + "/attendees", {{"person_id", people_[0]}}),
         404);
  expect("POST attendee unknown person",
         admin_->post_json(ev("/attendees"), {{"person_id", std::stoll(u)}}), 404);
  expect("DELETE attendee unknown person", admin_->del(ev("/attendees/" + u)), 404);
  expect("GET export", admin_->get(event + "/export.csv"), 404);
  expect("POST import", admin_->post_raw(event + "/import", "name\nX\n", "text/csv"), 404);
  expect("POST checkin", admin_->post_image(event + "/checkin", photo), 404);
  expect("GET kiosks", admin_->get(event + "/kiosks"), 404);
  expect("POST kiosks", admin_->post_json(event + "/kiosks", {{"name", "k"}}), 404);
  expect("DELETE kiosk", admin_->del("/api/v1/kiosks/" + u), 404);
  expect("GET person", admin_->get(somebody), 404, "not_found");
  expect("PATCH person", admin_->patch_json(somebody, {{"name", "x"}}), 404);
  expect("DELETE person", admin_->del(somebody), 404);
  expect("GET faces", admin_->get(somebody + "/faces"), 404);
  expect("POST faces", admin_->post_image(somebody + "/faces", photo), 404);
  expect("DELETE face", admin_->del("/api/v1/faces/" + u), 404);
  expect("DELETE key", admin_->del("/api/v1/admin/keys/" + u), 404);
  expect("GET person 0", admin_->get("/api/v1/people/0"), 404);
  expect("GET person huge", admin_->get("/api/v1/people/99999999999999999999999"), 404);
  expect("GET no such route", admin_->get("/api/v1/nothing-here"), 404);
  EXPECT_EQ(snapshot(), before);
  std::cout << "[bad] unknown-id requests refused: " << requests_ << "\n";
}

}  // namespace
}  // namespace facecheck::acceptance
