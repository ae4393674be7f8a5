// Words shown to people. The server answers in English with a stable
// `error.code`; the Mini Program speaks Chinese, so every code we know is
// mapped here and the server's own sentence is never shown. poor_quality's
// sentence is built from `details.quality.problems`. README.md lists the
// English meaning of each line.

const NETWORK = '网络连接失败，请重试'
const TIMEOUT = '请求超时，请重试'
const SERVER = '服务器出错，请稍后重试'
const CAMERA = '无法使用摄像头，请在设置中允许使用相机'
const INVALID_CODE = '邀请码无效，请检查二维码或链接是否完整'
// The check-in kiosk waiting for a face (bilingual, like its other prompts).
const SCANNING = '请正对摄像头 / Please look at the camera'

// By error.code, for codes whose meaning does not depend on the route.
const BY_CODE = {
  no_face: '未检测到人脸，请正对摄像头重新拍照',
  several_faces: '检测到多张人脸，请确保画面中只有您一人',
  possible_duplicate: '您可能已经注册过，请到服务台确认',
  checkin_closed: '本活动当前不在签到时间内',
  checkin_not_yet_open: '签到尚未开始',
  event_closed: '本活动已结束，无法注册',
  self_register_disabled: '本活动未开放现场注册，请到服务台',
  missing_field: '请填写姓名',
  missing_image: '照片未上传成功，请重试',
  image_too_large: '照片太大，请重新拍照',
  payload_too_large: '照片太大，请重新拍照',
  // the guest's routes
  invitation_not_found: '未找到这份邀请，请检查二维码，或联系主办方',
  invitation_expired: '这份邀请已过期（活动签到时间已结束）',
  invitation_revoked: '这份邀请已被主办方撤销，如有疑问请联系主办方',
  consent_required: '请先同意使用人脸信息，再上传自拍照',
  consent_version_changed: '同意书内容已更新，请重新阅读后再选择',
  rate_limited: '请求过于频繁，请稍候再试',
  // active liveness (the check-in page handles these itself; here for any
  // other page that meets them)
  liveness_required: '本活动需要先完成动作验证，请重新验证',
  liveness_proof_invalid: '动作验证已失效，请重新验证',
  liveness_locked: '验证失败次数过多，请稍候约 30 秒再试，或到服务台签到',
  challenge_not_found: '动作验证已失效，请重新验证'
}

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
const PROBLEMS = {
  too_small: '脸离镜头太远，请靠近一点',
  out_of_frame: '脸没有完整地在画面里，请让整张脸都在画面内',
  blurry: '照片模糊，请拿稳手机并擦干净镜头',
  too_dark: '光线太暗，请到明亮处或面向窗户',
  too_bright: '光线太强，请避开直射的灯光或阳光',
  turned_away: '脸没有正对镜头，请直视镜头',
  tilted: '头部歪斜，请保持头部端正'
}

// The problems' sentences, known codes only, each once.
function qualityReasons(details) {
  const problems = (details && details.quality && details.quality.problems) || []
  const seen = {}
  return problems.filter((p) => PROBLEMS[p] && !seen[p] && (seen[p] = true)).map((p) => PROBLEMS[p])
}

function poorQuality(details) {
  const reasons = qualityReasons(details)
  return '照片质量不合格：' + (reasons.length ? reasons.join('；') : '请在光线充足处正对摄像头')
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
    if (SETUP_REASONS[err.code]) return SETUP_REASONS[err.code]
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
  unauthorized: 'kiosk token 无效或已被撤销，请向管理员索取新的 token',
  kiosk_event_not_open: '此 token 所属的活动尚未开放，请管理员开放活动后再试',
  kiosk_event_over: '此 token 所属的活动已结束或签到时间已过，请联系管理员'
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
  actions: {
    turn_left: '请向左转头',
    turn_right: '请向右转头',
    nod: '请点头',
    blink: '请眨眼'
  },
  follow: '请按提示做动作', // an action this client does not know yet
  progress: (done, of, seconds) => `已完成 ${done}/${of}` + (seconds > 0 ? `，剩余 ${seconds} 秒` : ''),
  // why a frame did not count: only the ones the guest can do something about
  hints: {
    no_face: '未检测到人脸，请正对摄像头',
    not_frontal: '请先正对摄像头，再按提示做动作'
  },
  // why a challenge failed
  failed: {
    repeated_frame: '检测到重复画面，请本人正对摄像头重新验证',
    face_changed: '验证过程中人脸发生了变化，请本人重新验证',
    too_many_frames: '验证未完成，请按提示重新做动作',
    expired: '验证超时，请按提示重新做动作'
  },
  failedOther: '动作验证未通过，请重新验证',
  retrying: '马上重新开始验证…',
  passed: '验证通过，请保持正对摄像头',
  // check-in answers at a liveness event
  livenessFailed: '未通过活体检测，请本人正对摄像头',
  mismatch: '与完成动作验证的不是同一人，请本人重新验证',
  restart: BY_CODE.liveness_proof_invalid,
  locked: BY_CODE.liveness_locked
}

module.exports = {
  describe,
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
