// Nothing global: every page reads config.js and talks to utils/api.js.
// The warning below catches the most common setup mistake early.
const config = require('./config')

App({
  onLaunch() {
    if (/REPLACE_ME/.test(config.kioskToken) || /example\.com/.test(config.baseUrl)) {
      console.warn('facecheck: edit miniprogram/config.js (baseUrl, kioskToken) before use')
    }
  }
})
