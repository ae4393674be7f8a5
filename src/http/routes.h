// One function per resource adds its routes; server.cpp calls them all.
// docs/api-contract.md is the list these implement.
#pragma once

#include "http/router.h"

namespace facecheck::http {

void add_event_routes(Router& router);       // events, stats
void add_attendee_routes(Router& router);    // attendees, CSV import/export
void add_people_routes(Router& router);      // people, face templates
void add_checkin_routes(Router& router);     // check-in, self-register, detect
void add_liveness_routes(Router& router);    // active liveness challenges
void add_kiosk_routes(Router& router);       // kiosks, kiosk/me, admin keys
void add_invitation_routes(Router& router);  // invitations, the guest's side, QR check-in
void add_desk_routes(Router& router);        // staff desks: search, manual check-in, undo, walk-ins
void add_audit_routes(Router& router);       // the whole audit log as CSV
void add_stream_routes(Router& router);      // SSE live feed
void add_legacy_routes(Router& router);      // the tutorial's /face_* (opt-in)
void add_system_routes(Router& router);      // /healthz, /metrics

}  // namespace facecheck::http
