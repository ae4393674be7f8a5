// Time and file-name helpers for the dashboard. The API speaks unix
// seconds; <input type="datetime-local"> speaks local wall-clock text.

const pad = (n) => String(n).padStart(2, '0');

// unix seconds → "YYYY-MM-DDTHH:MM" in the browser's time zone.
export function toLocalInput(unix) {
  if (!Number.isFinite(unix) || unix <= 0) return '';
  const d = new Date(unix * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// "YYYY-MM-DDTHH:MM[:SS]" (local) → unix seconds, or null when blank/invalid.
export function fromLocalInput(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(String(text || '').trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  const date = new Date(y, mo - 1, d, h, mi, Number.isNaN(s) ? 0 : s);
  // Date rolls 2024-02-31 over to March; refuse it instead.
  if (date.getMonth() !== mo - 1 || date.getDate() !== d) return null;
  return Math.floor(date.getTime() / 1000);
}

export function formatClock(unix) {
  if (!Number.isFinite(unix)) return '';
  const d = new Date(unix * 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatDateTime(unix) {
  if (!Number.isFinite(unix) || unix <= 0) return '';
  return toLocalInput(unix).replace('T', ' ');
}

// The file name from a Content-Disposition header, or the fallback. Only
// the last path segment is kept: a header must not choose a directory.
export function filenameFromDisposition(header, fallback) {
  const text = String(header || '');
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(text);
  let name = null;
  if (star) {
    try {
      name = decodeURIComponent(star[1].trim());
    } catch {
      name = null;
    }
  }
  if (!name) {
    const plain = /filename\s*=\s*(?:"([^"]*)"|([^;\s]+))/.exec(text);
    name = plain ? (plain[1] ?? plain[2]) : null;
  }
  name = name ? name.split(/[\\/]/).pop().trim() : '';
  return name || fallback;
}
