// Raw HTTP requests as a client sends them: httplib's request and multipart
// parsers (Debian's prebuilt library), our body-framing checks in the
// pre-routing hook, and the upload reader on what httplib parsed, as the
// enrolment and check-in routes see it. Up to four keep-alive requests per
// input, as a connection may carry.
#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "http/body_framing.h"
#include "http/errors.h"
#include "http/request_image.h"

using namespace facecheck::http;

namespace {

constexpr size_t kMaxBody = 64 * 1024;

// A connection whose client sent `input` and then closed; answers vanish.
class MemoryStream final : public httplib::Stream {
 public:
  explicit MemoryStream(std::string_view input) : input_(input) {}
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, input_.size());
    std::copy_n(input_.data(), n, ptr);
    input_.remove_prefix(n);
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char*, size_t size) override { return static_cast<ssize_t>(size); }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 40000;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 8080;
  }
  socket_t socket() const override { return INVALID_SOCKET; }

 private:
  std::string_view input_;
};

void read_upload(const httplib::Request& req, httplib::Response& res) {
  try {
    const ImageUpload upload = read_image_upload(req);
    for (const auto& [name, value] : upload.fields.items()) {
      FUZZ_CHECK(name != "image");
      try {
        upload.text(name.c_str());
        upload.integer(name.c_str());
        upload.boolean(name.c_str());
      } catch (const HttpError& e) {
        FUZZ_CHECK(e.status == 400);
      }
    }
    res.set_content(std::to_string(upload.image.size()), "text/plain");
  } catch (const HttpError& e) {
    FUZZ_CHECK(e.status == 400 || e.status == 415);
    res.status = e.status;
  }
}

class FuzzServer final : public httplib::Server {
 public:
  FuzzServer() {
    set_payload_max_length(kMaxBody);
    set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
      return refuse_body_framing(req, res, kMaxBody) ? HandlerResponse::Handled
                                                     : HandlerResponse::Unhandled;
    });
    Post(R"(/api/v1/people/(\d+)/faces)", read_upload);
    Post("/api/v1/events/1/checkin", read_upload);
  }

  void serve(std::string_view input) {
    MemoryStream stream(input);
    for (int i = 0; i < 4; ++i) {
      bool closed = false;
      if (!process_request(stream, i == 3, closed, nullptr) || closed) break;
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static FuzzServer server;
  server.serve(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
