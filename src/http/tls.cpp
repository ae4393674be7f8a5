#include "http/tls.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <stdexcept>

namespace facecheck::http {
namespace {

// OpenSSL's reason for the last failure on this thread, e.g. "no start
// line" for a file that is not PEM.
std::string openssl_reason() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  const char* reason = ERR_reason_error_string(code);
  return reason ? reason : text;
}

[[noreturn]] void fail(ssl_ctx_st* ctx, const std::string& what) {
  const std::string reason = openssl_reason();
  SSL_CTX_free(ctx);
  throw std::runtime_error(what + ": " + reason);
}

}  // namespace

std::shared_ptr<const TlsContext> TlsContext::load(const std::string& cert_file,
                                                   const std::string& key_file) {
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) fail(nullptr, "cannot set up TLS");
  // TLS 1.0 and 1.1 are deprecated (RFC 8996); every client we serve
  // (browsers, WeChat, curl) speaks 1.2 or 1.3.
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Idle keep-alive connections then hold no read/write buffers (~34 KB).
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1)
    fail(ctx, "TLS certificate " + cert_file);
  if (SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    // OpenSSL compares the key with the certificate as it loads it.
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH)
      fail(ctx, "TLS key " + key_file + " does not belong to certificate " + cert_file);
    fail(ctx, "TLS key " + key_file);
  }
  if (SSL_CTX_check_private_key(ctx) != 1)
    fail(ctx, "TLS key " + key_file + " does not belong to certificate " + cert_file);
  return std::shared_ptr<const TlsContext>(new TlsContext(ctx));
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

TlsSession::TlsSession(const TlsContext& context, int fd) : ssl_(SSL_new(context.native())) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  if (ssl_) {
    SSL_set_fd(ssl_, fd);
    SSL_set_accept_state(ssl_);
  }
}

TlsSession::~TlsSession() { SSL_free(ssl_); }

TlsWait TlsSession::wait_after(int rc) {
  const int error = SSL_get_error(ssl_, rc);
  ERR_clear_error();  // the queue is per thread; leave it empty for the next call
  switch (error) {
    case SSL_ERROR_WANT_READ:
      return TlsWait::kRead;
    case SSL_ERROR_WANT_WRITE:
      return TlsWait::kWrite;
    case SSL_ERROR_ZERO_RETURN:
      return TlsWait::kClosed;
    default:  // SSL_ERROR_SYSCALL (reset, EOF mid-record), SSL_ERROR_SSL (bad data)
      return TlsWait::kFailed;
  }
}

TlsWait TlsSession::handshake() {
  if (!ssl_) return TlsWait::kFailed;
  if (established_) return TlsWait::kNone;
  ERR_clear_error();
  const int rc = SSL_do_handshake(ssl_);
  if (rc == 1) {
    established_ = true;
    return TlsWait::kNone;
  }
  const TlsWait wait = wait_after(rc);
  return wait == TlsWait::kClosed ? TlsWait::kFailed : wait;
}

ssize_t TlsSession::read(char* data, size_t size, TlsWait& wait) {
  if (!established_) {
    wait = TlsWait::kFailed;
    return -1;
  }
  ERR_clear_error();
  size_t got = 0;
  if (SSL_read_ex(ssl_, data, size, &got) == 1) {
    wait = TlsWait::kNone;
    return static_cast<ssize_t>(got);
  }
  wait = wait_after(0);
  return wait == TlsWait::kClosed ? 0 : -1;
}

ssize_t TlsSession::write(const char* data, size_t size, TlsWait& wait) {
  if (!established_) {
    wait = TlsWait::kFailed;
    return -1;
  }
  ERR_clear_error();
  size_t put = 0;
  if (SSL_write_ex(ssl_, data, size, &put) == 1) {
    wait = TlsWait::kNone;
    return static_cast<ssize_t>(put);
  }
  wait = wait_after(0);
  return -1;
}

bool TlsSession::has_pending() const { return established_ && SSL_pending(ssl_) > 0; }

void TlsSession::close_notify() {
  if (!established_) return;
  ERR_clear_error();
  SSL_shutdown(ssl_);
  ERR_clear_error();
}

}  // namespace facecheck::http
