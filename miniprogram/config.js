// Where the server is and how fast to talk to it: nothing else. No credential
// lives here, because anyone who unpacks the Mini Program package can read
// this file. A kiosk's token is entered on the device at run time
// (pages/kiosk-setup) and a guest's invitation code comes with the QR code or
// card that opened the app.
module.exports = {
  // Server origin, no trailing slash. A released Mini Program needs https and
  // this host on the request/uploadFile legal-domain lists (see README.md).
  baseUrl: 'https://checkin.example.com',

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
  // Kiosk camera: 'front' for a tablet facing the guest, 'back' for a
  // handheld phone. (A guest's selfie always uses the front camera.)
  cameraPosition: 'front'
}
