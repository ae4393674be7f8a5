#include "http/invitation_json.h"

#include <regex>

#include "http/forwarded.h"

namespace facecheck::http {

using nlohmann::json;

json optional_time(const std::optional<storage::Timestamp>& t) { return t ? json(*t) : json(); }

// The origin of the links: the configured public URL, else the Host the
// admin used, when it looks like a host name (a relative link otherwise).
std::string link_origin(const Context& ctx, const httplib::Request& req) {
  if (!ctx.options.public_url.empty()) return ctx.options.public_url;
  static const std::regex host(R"([A-Za-z0-9.\-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?)");
  const std::string h = req.get_header_value("Host");
  return std::regex_match(h, host) ? client_scheme(ctx, req) + "://" + h : "";
}

json invitation_json(const storage::InvitationRow& row, const storage::Event& event,
                     const std::string& origin) {
  const auto& inv = row.invitation;
  return {{"person_id", inv.person_id},
          {"name", row.person.name},
          {"email", row.person.email},
          {"code", inv.code},
          {"url", origin + "/invite/" + inv.code},
          {"created_at", inv.created_at},
          {"expires_at", checkin::invitation_expiry(event)},
          {"revoked_at", optional_time(inv.revoked_at)},
          {"consent", storage::to_string(row.consent)},
          {"face_enrolled", row.face_enrolled},
          {"checked_in_at", optional_time(row.checked_in_at)}};
}

json code_checkin_json(const checkin::CodeCheckIn& done) {
  const auto& p = done.person;
  return {{"status", done.result.already ? "already_checked_in" : "checked_in"},
          {"person",
           {{"id", p.id}, {"name", p.name}, {"organisation", p.organisation}, {"title", p.title}}},
          {"checked_in_at", done.result.check_in.checked_in_at},
          {"method", storage::to_string(done.result.check_in.method)}};
}

}  // namespace facecheck::http
