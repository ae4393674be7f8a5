// What a stranger or a careless client cannot do to the server: floods of
// headers, bodies past the limit however they are framed, integers that do
// not fit, against one real server process.
#include <sodium.h>
#include <zlib.h>

#include <ctime>
#include <future>
#include <iostream>
#include <opencv2/imgcodecs.hpp>

#include "http/raw_socket.h"
#include "http/server_fixture.h"

namespace facecheck::testing {
namespace {

using nlohmann::json;

// The field an error response names (details.field), or "".
std::string error_field(const httplib::Result& r) {
  const json details = body_json(r).is_object() ? body_json(r)["error"]["details"] : json();
  return details.is_object() ? details.value("field", "") : "";
}

class HttpLimits : public SharedServerTest<HttpLimits> {
 public:
  // A 1 MiB body limit keeps the memory checks far from the noise.
  static std::vector<std::string> server_args() { return {"--max-body-mb", "1"}; }

 protected:
  // A raw GET /healthz with `count` extra headers of `size` bytes each.
  static std::string healthz_with_headers(size_t count, size_t size) {
    std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (size_t i = 0; i < count; ++i)
      request += "X-" + std::to_string(i) + ": " + std::string(size, 'a') + "\r\n";
    return request + "\r\n";
  }

  // Peak memory (VmHWM) only rises, so each memory check gets a server of
  // its own: an earlier test's peak would hide this one's.
  static std::unique_ptr<ServerProcess> fresh_server() {
    auto server = std::make_unique<ServerProcess>(std::vector<std::string>{"--max-body-mb", "1"});
    EXPECT_TRUE(server->ok()) << server->error();
    return server;
  }
};

// ---- Finding 3: the number and size of request headers are capped ----

TEST_F(HttpLimits, TooManyHeadersAre431AndTheConnectionCloses) {
  RawSocket many(server_->port());
  ASSERT_TRUE(many.send(healthz_with_headers(101, 10)));
  const std::string response = many.receive();
  EXPECT_EQ(raw_status(response), 431) << response;
  EXPECT_NE(response.find("\"headers_too_large\""), std::string::npos) << response;
  EXPECT_TRUE(many.closed_by_server());
  // A browser's twenty headers, or a hundred, are fine.
  RawSocket normal(server_->port());
  ASSERT_TRUE(normal.send(healthz_with_headers(98, 10)));
  EXPECT_EQ(raw_status(normal.receive()), 200);
}

TEST_F(HttpLimits, HeadersOverThirtyTwoKilobytesAre431) {
  RawSocket large(server_->port());
  ASSERT_TRUE(large.send(healthz_with_headers(5, 7000)));  // 35 KB in five headers
  EXPECT_EQ(raw_status(large.receive()), 431);
  RawSocket fits(server_->port());
  ASSERT_TRUE(fits.send(healthz_with_headers(4, 7000)));
  EXPECT_EQ(raw_status(fits.receive()), 200);
}

// The review's attack: 25,000 headers of 8 KB took 200 and ~290 MB. The
// server now stops reading at the cap, so its peak memory stays put.
TEST_F(HttpLimits, AHeaderFloodCostsTheServerNoMemory) {
  const auto server = fresh_server();
  ASSERT_TRUE(server->ok());
  const long peak_before = proc_status_kib(server->pid(), "VmHWM");
  ASSERT_GT(peak_before, 0);
  RawSocket flood(server->port());
  ASSERT_TRUE(flood.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
  const std::string header = "X-Flood: " + std::string(8000, 'a') + "\r\n";
  std::string batch;
  for (int i = 0; i < 100; ++i) batch += header;
  bool accepted_all = true;
  for (int i = 0; i < 250 && accepted_all; ++i) accepted_all = flood.send(batch);
  if (accepted_all) flood.send("\r\n");
  const std::string response = flood.receive();
  EXPECT_FALSE(accepted_all) << "the server read all 200 MB of headers";
  EXPECT_NE(raw_status(response), 200);
  const long grown_kib = proc_status_kib(server->pid(), "VmHWM") - peak_before;
  EXPECT_LT(grown_kib, 32 * 1024) << "peak memory grew by " << grown_kib / 1024 << " MB";
  EXPECT_EQ(status_of(http_->Get("/healthz")), 200);
}

// ---- Finding 2: bodies over the limit are refused however they are framed ----

// `inflated` zero bytes, gzip-compressed (about a thousandth of the size).
std::string gzip_of_zeros(size_t inflated) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
  const std::string zeros(1 << 20, '\0');
  std::string out;
  std::string buffer(1 << 16, '\0');
  for (size_t done = 0; done < inflated; done += zeros.size()) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
    z.avail_in = static_cast<uInt>(zeros.size());
    const int flush = done + zeros.size() >= inflated ? Z_FINISH : Z_NO_FLUSH;
    do {
      z.next_out = reinterpret_cast<Bytef*>(buffer.data());
      z.avail_out = static_cast<uInt>(buffer.size());
      deflate(&z, flush);
      out.append(buffer.data(), buffer.size() - z.avail_out);
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  return out;
}

// Sends `head` and then up to `body_bytes` of 'x' in chunks (framed by
// `chunked`); returns the first response and whether every byte was taken.
struct Sent {
  std::string response;
  bool accepted_all = true;
};
Sent send_body(int port, const std::string& head, size_t body_bytes, bool chunked) {
  RawSocket socket(port);
  Sent sent;
  sent.accepted_all = socket.send(head);
  const std::string piece(64 << 10, 'x');
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", piece.size());
  const std::string chunk = chunked ? size_line + piece + "\r\n" : piece;
  for (size_t done = 0; done < body_bytes && sent.accepted_all; done += piece.size())
    sent.accepted_all = socket.send(chunk);
  if (chunked && sent.accepted_all) sent.accepted_all = socket.send("0\r\n\r\n");
  sent.response = socket.receive();
  return sent;
}

TEST_F(HttpLimits, CompressedBodiesAre415BeforeTheyAreInflated) {
  const auto server = fresh_server();
  ASSERT_TRUE(server->ok());
  const std::string bomb = gzip_of_zeros(size_t{256} << 20);  // 256 MiB inflated
  ASSERT_LT(bomb.size(), 512u << 10);
  const long peak_before = proc_status_kib(server->pid(), "VmHWM");
  RawSocket socket(server->port());
  socket.send(
      "POST /api/v1/detect HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/json\r\nContent-Encoding: gzip\r\n"
      "Content-Length: " +
      std::to_string(bomb.size()) + "\r\n\r\n" + bomb);
  const std::string response = socket.receive();
  EXPECT_EQ(raw_status(response), 415) << response.substr(0, 300);
  EXPECT_NE(response.find("unsupported_content_encoding"), std::string::npos);
  const long grown_kib = proc_status_kib(server->pid(), "VmHWM") - peak_before;
  EXPECT_LT(grown_kib, 32 * 1024) << "peak memory grew by " << grown_kib / 1024 << " MB";
}

TEST_F(HttpLimits, ChunkedBodiesOverTheLimitAre413WithoutReadingThemWhole) {
  const auto server = fresh_server();
  ASSERT_TRUE(server->ok());
  const long peak_before = proc_status_kib(server->pid(), "VmHWM");
  const Sent big = send_body(server->port(),
                             "POST /api/v1/detect HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                             size_t{128} << 20, true);
  EXPECT_FALSE(big.accepted_all) << "the server read all 128 MiB";
  EXPECT_EQ(raw_status(big.response), 413) << big.response.substr(0, 300);
  const long grown_kib = proc_status_kib(server->pid(), "VmHWM") - peak_before;
  EXPECT_LT(grown_kib, 32 * 1024) << "peak memory grew by " << grown_kib / 1024 << " MB";
  // Under the limit, chunked bodies still work: 401 is the handler's answer.
  const Sent small =
      send_body(server->port(),
                "POST /api/v1/detect HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                size_t{256} << 10, true);
  EXPECT_EQ(raw_status(small.response), 401) << small.response.substr(0, 300);
}

// Without Content-Length or chunked a request has no body (RFC 9112); the
// server used to read until the client closed, 128 MiB -> +266 MB.
TEST_F(HttpLimits, ABodyWithoutContentLengthIsNotRead) {
  const auto server = fresh_server();
  ASSERT_TRUE(server->ok());
  const long peak_before = proc_status_kib(server->pid(), "VmHWM");
  const auto start = std::chrono::steady_clock::now();
  const Sent sent = send_body(server->port(),
                              "POST /api/v1/detect HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Content-Type: application/json\r\n\r\n",
                              size_t{128} << 20, false);
  EXPECT_FALSE(sent.accepted_all) << "the server read all 128 MiB";
  EXPECT_EQ(raw_status(sent.response), 401) << sent.response.substr(0, 300);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  const long grown_kib = proc_status_kib(server->pid(), "VmHWM") - peak_before;
  EXPECT_LT(grown_kib, 32 * 1024) << "peak memory grew by " << grown_kib / 1024 << " MB";
}

// httplib answered 413 only after reading (and dropping) the whole body it
// was promised; now at once.
TEST_F(HttpLimits, ContentLengthOverTheLimitIs413AtOnce) {
  RawSocket socket(server_->port());
  const auto start = std::chrono::steady_clock::now();
  socket.send(
      "POST /api/v1/detect HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n");
  const std::string response = socket.receive();
  EXPECT_EQ(raw_status(response), 413) << response;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_TRUE(socket.closed_by_server());
}

TEST_F(HttpLimits, AmbiguousFramingIsRefused) {
  const std::string head = "POST /api/v1/detect HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  RawSocket both(server_->port());
  both.send(head + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  EXPECT_EQ(raw_status(both.receive()), 400);
  RawSocket gzip(server_->port());
  gzip.send(head + "Transfer-Encoding: gzip, chunked\r\n\r\n");
  EXPECT_EQ(raw_status(gzip.receive()), 501);
  RawSocket twice(server_->port());
  twice.send(head + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}");
  EXPECT_EQ(raw_status(twice.receive()), 400);
}

// ---- Finding 6: integers that do not fit are refused, not wrapped ----

TEST_F(HttpLimits, OutOfRangeTimestampsAre400AndChangeNothing) {
  const auto now = static_cast<int64_t>(std::time(nullptr));
  const size_t events_before = body_json(http_->Get("/api/v1/events", admin_))["events"].size();
  for (const char* starts_at :
       {"18446744073709551615", "9223372036854775808", "-1", "253402300800", "1e300"}) {
    const std::string body = std::string("{\"name\": \"Wrap\", \"starts_at\": ") + starts_at +
                             ", \"ends_at\": " + std::to_string(now + 60) + "}";
    auto r = http_->Post("/api/v1/events", admin_, body, "application/json");
    EXPECT_EQ(status_of(r), 400) << starts_at << ": " << (r ? r->body : "");
    EXPECT_EQ(error_code(r), "invalid_field") << starts_at;
    EXPECT_EQ(error_field(r), "starts_at") << starts_at;
  }
  EXPECT_EQ(body_json(http_->Get("/api/v1/events", admin_))["events"].size(), events_before);

  auto created =
      post_json("/api/v1/events", {{"name", "Fits"}, {"starts_at", now}, {"ends_at", now + 60}});
  ASSERT_EQ(status_of(created), 201);
  const std::string path = "/api/v1/events/" + std::to_string(body_json(created)["id"].get<int>());
  auto patched =
      http_->Patch(path, admin_, R"({"ends_at": 18446744073709551615})", "application/json");
  EXPECT_EQ(status_of(patched), 400);
  EXPECT_EQ(body_json(http_->Get(path, admin_))["ends_at"], now + 60);
}

TEST_F(HttpLimits, IdsThatDoNotFitAre400WithoutNegativeNumbers) {
  const auto now = static_cast<int64_t>(std::time(nullptr));
  auto event =
      post_json("/api/v1/events", {{"name", "Ids"}, {"starts_at", now}, {"ends_at", now + 60}});
  ASSERT_EQ(status_of(event), 201);
  const std::string attendees =
      "/api/v1/events/" + std::to_string(body_json(event)["id"].get<int>()) + "/attendees";
  for (const char* id : {"9223372036854775808", "18446744073709551615"}) {
    auto r = http_->Post(attendees, admin_, std::string("{\"person_id\": ") + id + "}",
                         "application/json");
    EXPECT_EQ(status_of(r), 400) << id << ": " << (r ? r->body : "");
    EXPECT_EQ(error_code(r), "invalid_field") << id;
    EXPECT_EQ(r->body.find("-922"), std::string::npos) << r->body;
  }
  EXPECT_EQ(body_json(http_->Get(attendees, admin_))["attendees"].size(), 0u);
}

TEST_F(HttpLimits, FaceIndexThatDoesNotFitIs400AndEnrolsNothing) {
  REQUIRE_DATA();
  auto person = post_json("/api/v1/people", {{"name", "Index"}});
  ASSERT_EQ(status_of(person), 201);
  const std::string faces =
      "/api/v1/people/" + std::to_string(body_json(person)["id"].get<int>()) + "/faces";
  const std::string photo = lfw_photo("Grant_Hackett", 1);
  for (const char* index : {"4294967296", "9223372036854775808", "-4294967296"}) {
    httplib::MultipartFormDataItems form = image_form(photo);
    form.push_back({"face_index", index, "", ""});
    auto multipart = http_->Post(faces, admin_, form);
    EXPECT_EQ(status_of(multipart), 400) << index << ": " << (multipart ? multipart->body : "");
    EXPECT_EQ(error_code(multipart), "invalid_field") << index;
  }
  // The same through JSON, where the number arrives as a number.
  std::string base64(sodium_base64_ENCODED_LEN(photo.size(), sodium_base64_VARIANT_ORIGINAL), 0);
  sodium_bin2base64(base64.data(), base64.size(), reinterpret_cast<const uint8_t*>(photo.data()),
                    photo.size(), sodium_base64_VARIANT_ORIGINAL);
  base64.pop_back();  // the terminating NUL
  auto as_json =
      http_->Post(faces, admin_, R"({"face_index": 4294967296, "image": ")" + base64 + "\"}",
                  "application/json");
  EXPECT_EQ(status_of(as_json), 400) << (as_json ? as_json->body : "");
  EXPECT_EQ(body_json(http_->Get(faces, admin_))["faces"].size(), 0u);
}

// ---- Finding 5: decode amplification ----

// A 64x64 JPEG whose frame header claims 6000x6000 (about 1 KB): decoded in
// full it is a 108 MB bitmap.
std::string jpeg_claiming_6000x6000() {
  std::vector<uchar> out;
  cv::imencode(".jpg", cv::Mat(64, 64, CV_8UC3, cv::Scalar(90, 120, 150)), out);
  std::string jpeg(out.begin(), out.end());
  const size_t sof = jpeg.find("\xFF\xC0");
  EXPECT_NE(sof, std::string::npos);
  for (size_t at : {sof + 5, sof + 7}) jpeg[at] = char(6000 >> 8), jpeg[at + 1] = char(6000 & 0xFF);
  return jpeg;
}

TEST_F(HttpLimits, HugeClaimedJpegsCostAKioskBurstLittleMemory) {
  const auto server = fresh_server();
  ASSERT_TRUE(server->ok());
  const auto admin = bearer(server->admin_key());
  const auto now = static_cast<int64_t>(std::time(nullptr));
  auto c = server->client();
  const json event =
      body_json(c->Post("/api/v1/events", admin,
                        json({{"name", "Burst"},
                              {"starts_at", now},
                              {"ends_at", now + 3600},
                              {"status", "open"},
                              {"liveness", "off"}})  // the frames must reach the decoder
                            .dump(),
                        "application/json"));
  const std::string path = "/api/v1/events/" + std::to_string(event["id"].get<int>());
  const std::string token =
      body_json(c->Post(path + "/kiosks", admin, R"({"name": "door"})", "application/json"))
          .value("token", "");
  const std::string attack = jpeg_claiming_6000x6000();
  REQUIRE_DATA();
  // A real check-in first, so the engines' first-inference buffers are not counted.
  ASSERT_EQ(status_of(c->Post(path + "/checkin", admin, image_form(lfw_photo("Grant_Hackett", 1)))),
            200);
  const long peak_before = proc_status_kib(server->pid(), "VmHWM");
  // Ten at once: a kiosk's whole burst.
  std::vector<std::future<std::pair<int, json>>> replies;
  for (int i = 0; i < 10; ++i)
    replies.push_back(std::async(std::launch::async, [&] {
      auto r = server->client(60)->Post(path + "/checkin", bearer(token), image_form(attack));
      return std::make_pair(status_of(r), body_json(r));
    }));
  int answered = 0;
  for (auto& reply : replies) {
    const auto [status, body] = reply.get();
    EXPECT_TRUE(status == 200 || status == 503) << status << " " << body;
    if (status != 200) continue;
    ++answered;
    EXPECT_EQ(body["width"], 1500) << body;
    EXPECT_EQ(body["scale"], 4) << body;
  }
  EXPECT_GT(answered, 0);
  const long grown_kib = proc_status_kib(server->pid(), "VmHWM") - peak_before;
  std::cout << "ten 6000x6000 check-ins: peak memory +" << grown_kib / 1024 << " MB\n";
  EXPECT_LT(grown_kib, 200 * 1024) << "peak memory grew by " << grown_kib / 1024 << " MB";
}

}  // namespace
}  // namespace facecheck::testing
