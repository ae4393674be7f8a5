// The image of an upload request, in either of the two shapes the API takes:
// multipart/form-data with a part named `image` (or `file`, as the WeChat
// Mini Program sends), or a JSON object whose `image` member is base64,
// optionally as a data: URL. The other parts or members come along as the
// request's fields (name, label, face_index, ...).
#pragma once

#include <httplib.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace facecheck::http {

struct ImageUpload {
  std::string image;  // the encoded bytes, not yet decoded
  // Multipart parts as strings; JSON members as sent. Read them with the
  // accessors, which accept both spellings ("2" and 2, "true" and true).
  nlohmann::json fields = nlohmann::json::object();

  std::optional<std::string> text(const char* name) const;
  std::optional<int64_t> integer(const char* name) const;
  std::optional<bool> boolean(const char* name) const;
};

// 415 unsupported_media_type for any other content type, 400 missing_image
// when no image part/member is there, 400 invalid_base64 when it does not
// decode. The bytes are not checked as an image here: the domain decodes
// them and reports image_* errors.
ImageUpload read_image_upload(const httplib::Request& req);

// Decodes standard base64 (padding optional, whitespace ignored), after
// stripping a "data:<type>;base64," prefix. Throws HttpError 400.
std::string decode_base64_image(const std::string& text);

}  // namespace facecheck::http
