// The one place to point this Mini Program at a facecheck server.
// Every page reads these values; nothing else holds a URL or a token.
module.exports = {
  // Server origin, no trailing slash. A released Mini Program needs https and
  // this host on the request/uploadFile legal-domain lists (see README.md).
  baseUrl: 'https://checkin.example.com',

  // Kiosk token from `POST /api/v1/events/{id}/kiosks` (shown once). It is
  // bound to one event and can only detect, check in, self-register and read stats.
  kioskToken: 'kt_REPLACE_ME',

  // Leave null to ask the server (`GET /api/v1/kiosk/me`) which event the
  // token belongs to; set a number only to skip that round trip.
  eventId: null,

  // Per-request limit. A check-in photo is a few hundred KB, so 10 s is
  // generous on venue Wi-Fi yet short enough that the page never looks frozen.
  timeoutMs: 10000,

  // Pause between the end of one check-in attempt and the next photo.
  checkinIntervalMs: 500,
  // "Not recognised" answers (since the page started or Retry was tapped)
  // before the check-in page stops and offers a retry button: someone
  // stepping into view needs a few frames, a stranger should not loop forever.
  notRecognisedLimit: 5,
  // How often the status page refreshes the count while it is visible.
  statsIntervalMs: 5000,
  // Wait after 429/503 (server busy) before the next attempt.
  busyBackoffMs: 2000,
  // 'front' for a kiosk tablet facing the guest, 'back' for a handheld phone.
  cameraPosition: 'front'
}
