// Pure helpers: where an invitation code or a kiosk token comes from, and
// the sentences built from codes (no pages here).
const invite = require('../utils/invite')
const kiosk = require('../utils/kiosk')
const { hhmm, eventWhen } = require('../utils/time')
const { poorQuality, defaultConsent } = require('../utils/messages')
const { KIOSK_TOKEN, createWx } = require('./helpers')

const CODE = 'ivabcdefghijklmnopqrstuvwx'

beforeEach(() => {
  global.wx = createWx().wx
})

test('the code format is iv + 24 base32 characters, nothing else', () => {
  expect(invite.isValidCode(CODE)).toBe(true)
  expect(invite.isValidCode('iv234567abcdefghijklmnopqr')).toBe(true)
  expect(invite.isValidCode(CODE.toUpperCase())).toBe(false)
  expect(invite.isValidCode(CODE.slice(0, -1))).toBe(false)
  expect(invite.isValidCode(CODE + 'a')).toBe(false)
  expect(invite.isValidCode('ivabcdefghijklmnopqrstuvw1')).toBe(false) // 1 is not base32
  expect(invite.isValidCode('kt_abcdefghijklmnopqrstuvw')).toBe(false)
  expect(invite.isValidCode(undefined)).toBe(false)
})

test('launch query: scene is URL-decoded, then code, then a scanned link (q)', () => {
  expect(invite.codeFromQuery({ scene: encodeURIComponent(CODE) })).toBe(CODE)
  expect(invite.codeFromQuery({ scene: encodeURIComponent(` ${CODE} `) })).toBe(CODE)
  expect(invite.codeFromQuery({ code: CODE })).toBe(CODE)
  expect(invite.codeFromQuery({ q: encodeURIComponent(`https://checkin.example.com/invite/${CODE}?x=1`) })).toBe(CODE)
  expect(invite.codeFromQuery({ scene: '%E0%A4%A' })).toBe('%E0%A4%A') // broken encoding: kept, then refused as a code
  expect(invite.codeFromQuery({})).toBeNull()
  expect(invite.codeFromQuery(undefined)).toBeNull()
})

test('a scanned invitation: URL, bare code, or a Mini Program code of this app', () => {
  expect(invite.codeFromScan({ result: `https://checkin.example.com/invite/${CODE}` })).toBe(CODE)
  expect(invite.codeFromScan({ result: `https://checkin.example.com/invite/${CODE}#top` })).toBe(CODE)
  expect(invite.codeFromScan({ result: `  ${CODE}\n` })).toBe(CODE)
  expect(invite.codeFromScan({ result: '', path: `pages/index/index?scene=${encodeURIComponent(CODE)}` })).toBe(CODE)
  expect(invite.codeFromScan({ result: 'https://example.org/menu' })).toBe('https://example.org/menu')
})

test('the stored code: only a valid one is kept, and forgetting a stale one keeps a newer', () => {
  invite.saveCode('nonsense')
  expect(invite.savedCode()).toBe('')
  invite.saveCode(CODE)
  expect(invite.savedCode()).toBe(CODE)
  invite.forgetCode('iv222222222222222222222222')
  expect(invite.savedCode()).toBe(CODE)
  invite.forgetCode(CODE)
  expect(invite.savedCode()).toBe('')
})

test('kiosk token: bare, or from a kiosk URL fragment; anything else is refused', () => {
  expect(kiosk.tokenFrom(KIOSK_TOKEN)).toBe(KIOSK_TOKEN)
  expect(kiosk.tokenFrom(` ${KIOSK_TOKEN}\n`)).toBe(KIOSK_TOKEN)
  expect(kiosk.tokenFrom(`https://checkin.example.com/kiosk.html#token=${KIOSK_TOKEN}`)).toBe(KIOSK_TOKEN)
  expect(kiosk.tokenFrom(`https://h/kiosk.html#event=3&token=${encodeURIComponent(KIOSK_TOKEN)}`)).toBe(KIOSK_TOKEN)
  expect(kiosk.tokenFrom('https://h/kiosk.html#other=1')).toBeNull()
  expect(kiosk.tokenFrom('ak_0123456789abcdefghijklmnop')).toBeNull() // an admin key must never be stored
  expect(kiosk.tokenFrom('kt_short')).toBeNull()
  expect(kiosk.tokenFrom('')).toBeNull()
  expect(kiosk.masked(KIOSK_TOKEN)).toBe('kt_test…BCDE')
})

test('times are the phone\'s local time', () => {
  const at = (h, min, d = 1) => new Date(2025, 5, d, h, min).getTime() / 1000
  expect(hhmm(at(9, 5))).toBe('09:05')
  expect(hhmm(null)).toBe('')
  expect(eventWhen(at(9, 0), at(17, 30))).toBe('6月1日 09:00–17:30')
  expect(eventWhen(at(20, 0), at(2, 0, 2))).toBe('6月1日 20:00 – 6月2日 02:00')
})

test('poor quality: one Chinese reason per known problem code', () => {
  const q = (problems) => poorQuality({ quality: { problems } })
  expect(q(['too_small', 'out_of_frame', 'blurry', 'too_dark', 'too_bright', 'turned_away', 'tilted']).split('；')).toHaveLength(7)
  expect(q(['blurry'])).toBe('照片质量不合格：照片模糊，请拿稳手机并擦干净镜头')
  expect(q([])).toBe('照片质量不合格：请在光线充足处正对摄像头')
  expect(poorQuality(null)).toBe('照片质量不合格：请在光线充足处正对摄像头')
})

test('the default consent says what, what for, how long, how to withdraw, and that no is fine', () => {
  const text = defaultConsent('年会')
  expect(text).toContain('「年会」')
  expect(text).toContain('不是照片本身')
  expect(text).toContain('仅用于')
  expect(text).toContain('活动结束后')
  expect(text).toContain('撤回同意')
  expect(text).toContain('邀请二维码')
})
