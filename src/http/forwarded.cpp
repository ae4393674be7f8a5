#include "http/forwarded.h"

#include <algorithm>
#include <string_view>

namespace facecheck::http {
namespace {

// "::ffff:10.0.0.1" (an IPv4 peer on a dual-stack socket) is 10.0.0.1.
std::string_view plain(std::string_view address) {
  constexpr std::string_view kMapped = "::ffff:";
  if (address.starts_with(kMapped) && address.find('.') != std::string_view::npos)
    address.remove_prefix(kMapped.size());
  return address;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool trusted(const Context& ctx, std::string_view address) {
  const auto& proxies = ctx.options.trusted_proxies;
  return std::any_of(proxies.begin(), proxies.end(),
                     [&](const std::string& p) { return plain(p) == plain(address); });
}

// An address as a proxy writes it: digits, hex, dots and colons only (no
// port, no brackets), so a forged header cannot smuggle text into logs.
bool looks_like_address(std::string_view s) {
  if (s.empty() || s.size() > 45) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' ||
           c == ':';
  });
}

}  // namespace

std::string client_address(const Context& ctx, const httplib::Request& req) {
  if (!trusted(ctx, req.remote_addr)) return req.remote_addr;
  // Each proxy appends the address it got the request from; walk from the
  // right past our own proxies. Every X-Forwarded-For line counts, in order.
  std::string chain;
  const size_t lines = req.get_header_value_count("X-Forwarded-For");
  for (size_t i = 0; i < lines; ++i) {
    if (!chain.empty()) chain += ',';
    chain += req.get_header_value("X-Forwarded-For", i);
  }
  std::string_view rest(chain);
  while (!rest.empty()) {
    const size_t comma = rest.rfind(',');
    const std::string_view hop =
        trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (!looks_like_address(hop)) break;  // garbage: the proxy's peer is all we know
    if (!trusted(ctx, hop)) return std::string(plain(hop));
  }
  return req.remote_addr;
}

std::string client_scheme(const Context& ctx, const httplib::Request& req) {
  if (ctx.options.tls) return "https";
  if (trusted(ctx, req.remote_addr) && req.get_header_value("X-Forwarded-Proto") == "https")
    return "https";
  return "http";
}

bool is_loopback(const std::string& address) {
  const std::string_view a = plain(address);
  return a.starts_with("127.") || a == "::1";
}

}  // namespace facecheck::http
