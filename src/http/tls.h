// TLS for GuardedServer's connections (OpenSSL), non-blocking so that the
// waiting room drives handshakes on its one thread: a client that opens a
// connection and never finishes its handshake holds no worker thread, and
// the handshake counts against the request-head deadline like a slow head.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

struct ssl_ctx_st;
struct ssl_st;

namespace facecheck::http {

// A certificate chain and its private key, loaded once at start-up.
class TlsContext {
 public:
  // Reads PEM files (the operator's configuration, never a client's path).
  // Throws std::runtime_error naming the file and OpenSSL's reason when a
  // file is missing, unreadable, not PEM, or the key does not match.
  static std::shared_ptr<const TlsContext> load(const std::string& cert_file,
                                                const std::string& key_file);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  ssl_ctx_st* native() const { return ctx_; }

 private:
  explicit TlsContext(ssl_ctx_st* ctx) : ctx_(ctx) {}
  ssl_ctx_st* ctx_;
};

// What a non-blocking TLS call needs before it can go on.
enum class TlsWait { kNone, kRead, kWrite, kClosed, kFailed };

// The server side of one connection. The socket is switched to
// non-blocking; callers poll for the direction that `wait` names.
class TlsSession {
 public:
  TlsSession(const TlsContext& context, int fd);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  bool established() const { return established_; }
  // One step of the handshake: kNone once it is done.
  TlsWait handshake();
  // Bytes read (> 0), 0 when the peer closed, or -1 with `wait` saying why.
  ssize_t read(char* data, size_t size, TlsWait& wait);
  // Bytes written (> 0), or -1 with `wait` saying why.
  ssize_t write(const char* data, size_t size, TlsWait& wait);
  // Decrypted bytes OpenSSL holds that the socket no longer shows.
  bool has_pending() const;
  // Sends close_notify, best effort (never waits).
  void close_notify();

 private:
  TlsWait wait_after(int rc);
  ssl_st* ssl_;
  bool established_ = false;
};

}  // namespace facecheck::http
