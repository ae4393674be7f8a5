// Nothing global: pages read config.js and talk to the server through
// utils/api.js (kiosk) and utils/guest-api.js (guest). Invitation codes are
// read by the pages' onLoad(query), which gets the same query as App's
// launch options (pages/index handles the launch).
const config = require('./config')

App({
  onLaunch() {
    // The most common setup mistake, caught early in DevTools' console.
    if (/example\.com/.test(config.baseUrl)) {
      console.warn('facecheck: set baseUrl in miniprogram/config.js before use')
    }
  }
})
