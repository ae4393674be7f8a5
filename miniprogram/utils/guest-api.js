// The guest's routes. The invitation code in the path is the credential, so
// these send no Authorization header: a guest's phone never holds a kiosk
// token. A malformed code is refused here, before any request, so a typo or a
// foreign QR code never reaches the server (and its rate limit).
const { apiError, call, url } = require('./api')
const { isValidCode } = require('./invite')

function route(code, tail) {
  return url(`/api/v1/invitations/${code}${tail || ''}`)
}

function guarded(code, send) {
  if (!isValidCode(code)) return Promise.reject(apiError('invalid_code', 'not an invitation code'))
  return send()
}

// GET and POST consent both answer with the guest's view; check its shape
// once so pages can read it without guarding every field.
function view(body) {
  if (!body || !body.event || !body.attendee || !body.consent || !body.face) {
    throw apiError('bad_response', 'not an invitation view')
  }
  return body
}

function invitation(code) {
  return guarded(code, () => call('request', { url: route(code), method: 'GET' }).then(view))
}

function answerConsent(code, accepted, version) {
  return guarded(code, () =>
    call('request', {
      url: route(code, '/consent'),
      method: 'POST',
      data: { accepted: !!accepted, version },
      header: { 'content-type': 'application/json' }
    }).then(view)
  )
}

function uploadFace(code, filePath) {
  return guarded(code, () =>
    call('uploadFile', { url: route(code, '/face'), filePath, name: 'image', formData: {} })
  )
}

// 204: every face template of the guest is gone and consent is declined.
function deleteFace(code) {
  return guarded(code, () => call('request', { url: route(code, '/face'), method: 'DELETE' }))
}

module.exports = { invitation, answerConsent, uploadFace, deleteFace }
