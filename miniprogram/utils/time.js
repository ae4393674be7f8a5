// Unix seconds (the server's timestamps) as the phone's local time. Guests
// read these on their own phone, so local time is what they expect.
const two = (n) => (n < 10 ? '0' : '') + n

function hhmm(unix) {
  if (typeof unix !== 'number') return ''
  const d = new Date(unix * 1000)
  return `${two(d.getHours())}:${two(d.getMinutes())}`
}

function day(d) {
  return `${d.getMonth() + 1}月${d.getDate()}日`
}

// "6月1日 09:00–17:00", or with both days when the event spans midnight.
function eventWhen(startsAt, endsAt) {
  if (typeof startsAt !== 'number') return ''
  const start = new Date(startsAt * 1000)
  if (typeof endsAt !== 'number') return `${day(start)} ${hhmm(startsAt)}`
  const end = new Date(endsAt * 1000)
  const sameDay = day(start) === day(end) && start.getFullYear() === end.getFullYear()
  return sameDay
    ? `${day(start)} ${hhmm(startsAt)}–${hhmm(endsAt)}`
    : `${day(start)} ${hhmm(startsAt)} – ${day(end)} ${hhmm(endsAt)}`
}

module.exports = { hhmm, eventWhen }
