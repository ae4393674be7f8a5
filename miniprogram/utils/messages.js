// Words shown to people. The server answers in English with a stable
// `error.code`; the kiosk speaks Chinese, so we map codes here and keep the
// server's own sentence only where it carries detail we cannot predict
// (poor_quality says *what* is wrong with the photo). README.md lists the
// English meaning of each line.

const NETWORK = '网络连接失败，请重试'
const TIMEOUT = '请求超时，请重试'

// By error.code, for codes whose meaning does not depend on the route.
const BY_CODE = {
  no_face: '未检测到人脸，请正对摄像头重新拍照',
  several_faces: '检测到多张人脸，请确保画面中只有您一人',
  possible_duplicate: '您可能已经注册过，请到服务台确认',
  checkin_closed: '本活动当前不在签到时间内',
  checkin_not_yet_open: '签到尚未开始',
  event_closed: '本活动已结束，无法注册',
  missing_field: '请填写姓名',
  missing_image: '照片未上传成功，请重试'
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

const SERVER = '服务器出错，请稍后重试'

// One sentence for any error thrown by utils/api.js (or anything else).
function describe(err) {
  if (!err) return SERVER
  if (err.kind === 'timeout') return TIMEOUT
  if (err.kind === 'network') return NETWORK
  if (err.kind === 'http') {
    if (err.code === 'poor_quality') {
      return '照片质量不合格：' + (err.serverMessage || '请在光线充足处正对摄像头')
    }
    if (BY_CODE[err.code]) return BY_CODE[err.code]
    if (BY_STATUS[err.status]) return BY_STATUS[err.status]
    return SERVER
  }
  if (err.kind === 'camera') return '无法使用摄像头，请在设置中允许使用相机'
  return SERVER
}

module.exports = { describe, NETWORK, TIMEOUT, SERVER }
