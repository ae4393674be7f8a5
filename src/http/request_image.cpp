#include "http/request_image.h"

#include <sodium.h>

#include "http/errors.h"
#include "http/json_body.h"

namespace facecheck::http {
namespace {

using nlohmann::json;

const char* const kImageParts[] = {"image", "file"};

ImageUpload from_multipart(const httplib::Request& req) {
  ImageUpload upload;
  bool found = false;
  for (const char* part : kImageParts) {
    if (!found && req.has_file(part)) {
      upload.image = req.get_file_value(part).content;
      found = true;
    }
  }
  if (!found) throw HttpError(400, "missing_image", "Send the photo as the multipart part 'image'");
  for (const auto& [name, part] : req.files)
    if (name != "image" && name != "file") upload.fields[name] = part.content;
  return upload;
}

ImageUpload from_json(const httplib::Request& req) {
  json body = json_object_body(req);
  const auto image = optional_string(body, "image");
  if (!image || image->empty())
    throw HttpError(400, "missing_image", "Send the photo as base64 in the member 'image'");
  ImageUpload upload;
  upload.image = decode_base64_image(*image);
  body.erase("image");
  upload.fields = std::move(body);
  return upload;
}

std::string strip_data_url(const std::string& text) {
  if (text.rfind("data:", 0) != 0) return text;
  const auto comma = text.find(',');
  if (comma == std::string::npos || text.substr(0, comma).find(";base64") == std::string::npos)
    throw HttpError(400, "invalid_base64", "A data: URL image must be base64-encoded");
  return text.substr(comma + 1);
}

bool try_decode(const std::string& b64, int variant, std::string& out) {
  out.resize(b64.size() / 4 * 3 + 3);
  size_t length = 0;
  const char* end = nullptr;
  const int rc = sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                                   b64.data(), b64.size(), " \t\r\n", &length, &end, variant);
  if (rc != 0 || end != b64.data() + b64.size()) return false;
  out.resize(length);
  return true;
}

}  // namespace

std::string decode_base64_image(const std::string& text) {
  const std::string b64 = strip_data_url(text);
  std::string out;
  if (try_decode(b64, sodium_base64_VARIANT_ORIGINAL, out) ||
      try_decode(b64, sodium_base64_VARIANT_ORIGINAL_NO_PADDING, out))
    return out;
  throw HttpError(400, "invalid_base64", "The image is not valid base64");
}

ImageUpload read_image_upload(const httplib::Request& req) {
  if (req.is_multipart_form_data()) return from_multipart(req);
  if (has_content_type(req, "application/json")) return from_json(req);
  throw HttpError(415, "unsupported_media_type",
                  "Send the image as multipart/form-data (part 'image') or JSON {\"image\": "
                  "\"<base64>\"}");
}

std::optional<std::string> ImageUpload::text(const char* name) const {
  const auto it = fields.find(name);
  if (it == fields.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  throw HttpError(400, "invalid_field", std::string("Field '") + name + "' must be a string",
                  {{"field", name}, {"expected", "a string"}});
}

std::optional<int64_t> ImageUpload::integer(const char* name) const {
  const auto it = fields.find(name);
  if (it == fields.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) {
    if (it->get<std::string>().empty()) return std::nullopt;
    return parse_int_text(it->get<std::string>(), name, "invalid_field");
  }
  return optional_int(fields, name);
}

std::optional<bool> ImageUpload::boolean(const char* name) const {
  const auto it = fields.find(name);
  if (it == fields.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return parse_bool_text(it->get<std::string>(), name);
  return optional_bool(fields, name);
}

}  // namespace facecheck::http
