// Who sent a request and over what, behind a reverse proxy: the proxy's
// X-Forwarded-For and X-Forwarded-Proto are believed only when the
// connection comes from an address in ServerOptions::trusted_proxies;
// anybody else could write them to dodge a per-address limit or to pass
// as the machine itself (/metrics is open to loopback).
#pragma once

#include <httplib.h>

#include <string>

#include "http/context.h"

namespace facecheck::http {

// The client's address: the peer's, or, from a trusted proxy, the last
// address in X-Forwarded-For that is not itself a trusted proxy.
std::string client_address(const Context& ctx, const httplib::Request& req);

// "https" when this server speaks TLS or a trusted proxy says the client
// used https; "http" otherwise.
std::string client_scheme(const Context& ctx, const httplib::Request& req);

// True for 127.0.0.0/8, ::1 and their IPv4-mapped forms.
bool is_loopback(const std::string& address);

}  // namespace facecheck::http
