// The JSON of invitations and of check-ins made without a face (QR code,
// desk), shared by the invitation and desk routes.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "checkin/invitations.h"
#include "http/context.h"

namespace facecheck::http {

nlohmann::json optional_time(const std::optional<storage::Timestamp>& t);

// The origin of invitation links: the configured public URL, else the Host
// the admin used when it looks like a host name, else "" (relative links).
std::string link_origin(const Context& ctx, const httplib::Request& req);

nlohmann::json invitation_json(const storage::InvitationRow& row, const storage::Event& event,
                               const std::string& origin);

// {"status", "person", "checked_in_at", "method"}
nlohmann::json code_checkin_json(const checkin::CodeCheckIn& done);

}  // namespace facecheck::http
