// JSON request bodies: json_object_body, every field reader the routes use,
// and the JSON image upload (base64, data: URLs) with its field accessors.
// Each may refuse with HttpError (a 4xx); nothing else may escape, and a
// refusal must carry a 4xx status.
#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "http/errors.h"
#include "http/json_body.h"
#include "http/request_image.h"

using namespace facecheck::http;

namespace {

// Field names the routes read, plus "image" (the upload's member).
const char* const kFields[] = {
    "name",  "starts_at", "ends_at", "face_index", "match_threshold", "allow_duplicate", "image",
    "label", "status",    ""};

template <typename Read>
void refusal_or_value(Read read) {
  try {
    read();
  } catch (const HttpError& e) {
    FUZZ_CHECK(e.status >= 400 && e.status < 500);
  }
}

void read_fields(const nlohmann::json& body) {
  for (const char* field : kFields) {
    refusal_or_value([&] { optional_string(body, field); });
    refusal_or_value([&] { required_string(body, field); });
    refusal_or_value([&] { require_range(required_int(body, field), field, 0, 253402300799); });
    refusal_or_value([&] { optional_int(body, field); });
    refusal_or_value([&] { optional_number(body, field); });
    refusal_or_value([&] { optional_bool(body, field); });
  }
}

void read_upload(const httplib::Request& req) {
  const ImageUpload upload = read_image_upload(req);
  FUZZ_CHECK(upload.fields.is_object() && !upload.fields.contains("image"));
  for (const char* field : kFields) {
    refusal_or_value([&] { upload.text(field); });
    refusal_or_value([&] { upload.integer(field); });
    refusal_or_value([&] { upload.boolean(field); });
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  httplib::Request req;
  req.set_header("Content-Type", "application/json");
  req.body.assign(reinterpret_cast<const char*>(data), size);
  refusal_or_value([&] { read_fields(json_object_body(req)); });
  refusal_or_value([&] { read_upload(req); });
  // The same text as a query or form value.
  refusal_or_value([&] { parse_int_text(req.body, "id"); });
  refusal_or_value([&] { parse_bool_text(req.body, "flag"); });
  return 0;
}
