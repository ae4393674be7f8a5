const { CATALOGUE, word } = require('./catalogue')

// Words shown to people. The server answers in English with a stable
// `error.code`; the Mini Program speaks Chinese, so every code is looked up
// in the shared catalogue (utils/catalogue.js, generated from
// clients/catalogue/messages.json: edit that file and run
// `node clients/catalogue/build.mjs`, never utils/catalogue.js) and the
// server's own sentence is never shown. poor_quality's sentence is built
// from `details.quality.problems`. The words that are not API codes (network,
// camera, the guest's pages) stay here. README.md lists the English meaning.

const NETWORK = '网络连接失败，请重试'
const TIMEOUT = '请求超时，请重试'
const SERVER = '服务器出错，请稍后重试'
const CAMERA = '无法使用摄像头，请在设置中允许使用相机'
const INVALID_CODE = '邀请码无效，请检查二维码或链接是否完整'
// The check-in kiosk waiting for a face (bilingual, like its other prompts).
const SCANNING = '请正对摄像头 / Please look at the camera'

// By error.code: the general wording of the shared catalogue
// (utils/catalogue.js, generated from clients/catalogue/messages.json; the
// web pages read the same file's ES module copy). Kept in the shape the
// pages knew: code → sentence.
function byGroup (group, lang, audience) {
  const out = {}
  Object.keys(CATALOGUE[group]).forEach((code) => { out[code] = word(group, code, lang || 'zh', audience) })
  return out
}
const BY_CODE = byGroup('errors')

// By HTTP status, when the code is unknown to this client.
const BY_STATUS = {
  400: '请求有误，请重试',
  401: '设备未授权，请联系管理员检查 kiosk token',
  403: '此设备无权执行该操作，请联系管理员',
  404: '活动不存在，请联系管理员检查配置',
  409: '操作冲突，请到服务台处理',
  413: '照片太大，请重新拍照',
  415: '照片格式不支持，请重新拍照',
  422: '照片无法使用，请重新拍照',
  429: '请求过于频繁，请稍候',
  503: '服务器繁忙，请稍候'
}

// What to do about each photo problem the server's quality check reports.
const PROBLEMS = byGroup('quality_problems')

// The problems' sentences, known codes only, each once.
function qualityReasons(details) {
  const problems = (details && details.quality && details.quality.problems) || []
  const seen = {}
  return problems.filter((p) => PROBLEMS[p] && !seen[p] && (seen[p] = true)).map((p) => PROBLEMS[p])
}

function poorQuality(details) {
  const reasons = qualityReasons(details)
  return BY_CODE.poor_quality + (reasons.length ? reasons.join('；') : '请在光线充足处正对摄像头')
}

// One sentence for any error thrown by utils/api.js (or anything else).
function describe(err) {
  if (!err) return SERVER
  if (err.kind === 'timeout') return TIMEOUT
  if (err.kind === 'network') return NETWORK
  if (err.kind === 'invalid_code') return INVALID_CODE
  if (err.kind === 'no_token') return SETUP_REASONS.no_token
  if (err.kind === 'http') {
    if (err.code === 'poor_quality') return poorQuality(err.details)
    if (BY_CODE[err.code]) return BY_CODE[err.code]
    if (BY_STATUS[err.status]) return BY_STATUS[err.status]
    return SERVER
  }
  if (err.kind === 'camera') return CAMERA
  return SERVER
}

// Why the kiosk was sent to its setup page (?reason=...): the 401 codes of
// the kiosk routes, and a device that has no token yet.
const SETUP_REASONS = {
  no_token: '本设备尚未设置 kiosk token，请扫描或输入管理员提供的 token',
  unauthorized: BY_CODE.unauthorized,
  kiosk_event_not_open: BY_CODE.kiosk_event_not_open,
  kiosk_event_over: BY_CODE.kiosk_event_over
}
const BAD_TOKEN = '这不是有效的 kiosk token（应以 kt_ 开头），请重新扫描或输入'

// The guest's consent, when the organiser has not written their own text.
// Says what is stored, what for, for how long, how to withdraw, and that
// saying no is fine.
function defaultConsent(eventName) {
  const event = eventName ? `「${eventName}」` : '本次活动'
  return [
    `为了让您在${event}现场看一眼摄像头即可签到，主办方请求使用您的人脸信息。`,
    '保存什么：根据您的自拍照计算出的一组数字（人脸特征值），不是照片本身。',
    `用于什么：仅用于${event}的签到，不作其他用途。`,
    '保存多久：活动结束后，按主办方规定的保存期限删除。',
    '随时撤回：您可以随时在本小程序中删除您的人脸信息、撤回同意。',
    '不同意也完全没关系：您可以出示邀请二维码，或到服务台签到。'
  ].join('\n\n')
}

// The guest's status page.
const GUEST = {
  loading: '正在读取邀请…',
  noCode: '没有邀请码：请扫描邀请二维码，或打开主办方发给您的小程序卡片',
  declined: '您选择了不使用刷脸签到。活动当天请出示邀请二维码，或到服务台签到。',
  accepted: '谢谢！接下来请拍一张自拍照，用于登记您的人脸。',
  enrolled: '人脸已登记：活动当天看一眼签到机的摄像头即可签到。',
  withdrawn: '您的人脸信息已删除，同意已撤回。您仍可用邀请二维码或在服务台签到。',
  confirmTitle: '删除人脸并撤回同意',
  confirmText: '将删除您登记的人脸信息，并撤回您的同意。之后您仍可用邀请二维码或在服务台签到。',
  uploaded: '人脸登记成功！活动当天看一眼签到机即可签到。',
  uploading: '正在上传…',
  invited: (name) => `已受邀：${name}`,
  face: (enrolled, declined) => (enrolled ? '人脸：已登记' : declined ? '人脸：未登记（您选择了不使用刷脸）' : '人脸：尚未登记'),
  checkin: (hhmm) => (hhmm ? `签到：已于 ${hhmm} 签到` : '签到：尚未签到')
}

// The kiosk's liveness check (utils/challenge.js decides when each is shown).
// Left and right are the guest's own: the front camera's preview is a
// mirror, so the guest's left is also the screen's left.
const LIVENESS = {
  actions: byGroup('challenge_actions'),
  follow: '请按提示做动作', // an action this client does not know yet
  progress: (done, of, seconds) => `已完成 ${done}/${of}` + (seconds > 0 ? `，剩余 ${seconds} 秒` : ''),
  // why a frame did not count: only the ones the guest can do something about
  hints: {
    no_face: word('challenge_reasons', 'no_face', 'zh'),
    not_frontal: word('challenge_reasons', 'not_frontal', 'zh')
  },
  // why a challenge failed
  failed: {
    repeated_frame: word('challenge_reasons', 'repeated_frame', 'zh'),
    face_changed: word('challenge_reasons', 'face_changed', 'zh'),
    too_many_frames: word('challenge_reasons', 'too_many_frames', 'zh'),
    expired: word('challenge_reasons', 'expired', 'zh')
  },
  failedOther: '动作验证未通过，请重新验证',
  retrying: '马上重新开始验证…',
  passed: '验证通过，请保持正对摄像头',
  // check-in answers at a liveness event
  livenessFailed: word('face_statuses', 'liveness_failed', 'zh'),
  mismatch: word('face_statuses', 'liveness_mismatch', 'zh'),
  restart: BY_CODE.liveness_proof_invalid,
  locked: BY_CODE.liveness_locked
}

// The kiosk's answers per face, in both languages like its other prompts
// (already_checked_in: the name goes on its own line).
function bilingual (group, code, audience) {
  return `${word(group, code, 'zh', audience)} / ${word(group, code, 'en', audience)}`
}
const FACE_STATUS = {
  already_checked_in: bilingual('face_statuses', 'already_checked_in', 'short'),
  not_recognised: bilingual('face_statuses', 'not_recognised'),
  too_small: bilingual('face_statuses', 'too_small')
}

module.exports = {
  describe,
  FACE_STATUS,
  LIVENESS,
  poorQuality,
  qualityReasons,
  defaultConsent,
  NETWORK,
  TIMEOUT,
  SERVER,
  CAMERA,
  INVALID_CODE,
  SCANNING,
  SETUP_REASONS,
  BAD_TOKEN,
  GUEST
}
