// Invitation codes: how they reach the app, their shape, and the one the
// guest keeps on their phone. The code is the guest's only credential (it is
// part of every guest route's path), so it is checked here before any request.
const KEY = 'facecheck.invitation'
const CODE = /^iv[a-z2-7]{24}$/

function isValidCode(code) {
  return typeof code === 'string' && CODE.test(code)
}

function safeDecode(s) {
  try {
    return decodeURIComponent(s)
  } catch (e) {
    return s
  }
}

// The code in an invitation URL (".../invite/CODE", maybe with ?query or
// #fragment) or in a bare text. Returns the candidate, valid or not, so the
// caller can say "this code is wrong" rather than "nothing was found".
function extractCode(text) {
  const t = String(text || '').trim()
  const m = /\/invite\/([^/?#\s]+)/.exec(t)
  return m ? safeDecode(m[1]) : t
}

// The code a page (or App) was opened with, or null when there is none:
//   scene  Mini Program code (wxacode.getUnlimited): WeChat hands it over
//          URL-encoded, hence the decode;
//   code   a shared card or a path like pages/index/index?code=iv...;
//   q      "scan an ordinary link QR code to open the Mini Program": the
//          invitation URL itself, URL-encoded.
// Page onLoad(query) receives the same object as App's options.query.
function codeFromQuery(query) {
  if (!query) return null
  if (query.scene) return safeDecode(String(query.scene)).trim()
  if (query.code) return safeDecode(String(query.code)).trim()
  if (query.q) return extractCode(safeDecode(String(query.q)))
  return null
}

// The answer of wx.scanCode: a QR code's text (URL or bare code), or, for a
// Mini Program code of this app, the path with its query.
function codeFromScan(res) {
  if (!res) return ''
  if (res.path && res.path.indexOf('?') >= 0) {
    const query = {}
    res.path
      .slice(res.path.indexOf('?') + 1)
      .split('&')
      .forEach((pair) => {
        const i = pair.indexOf('=')
        if (i > 0) query[pair.slice(0, i)] = pair.slice(i + 1)
      })
    const fromPath = codeFromQuery(query)
    if (fromPath) return fromPath
  }
  return extractCode(res.result)
}

function savedCode() {
  const code = wx.getStorageSync(KEY)
  return isValidCode(code) ? code : ''
}

function saveCode(code) {
  if (isValidCode(code)) wx.setStorageSync(KEY, code)
}

// Only forgets `code` if it is the stored one (another page may have stored
// a newer invitation meanwhile).
function forgetCode(code) {
  if (!code || wx.getStorageSync(KEY) === code) wx.removeStorageSync(KEY)
}

module.exports = { KEY, isValidCode, extractCode, codeFromQuery, codeFromScan, savedCode, saveCode, forgetCode }
