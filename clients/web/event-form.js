// Between the event form's text fields and the API's event object, with
// the checks worth doing before a round trip.
import { toLocalInput, fromLocalInput } from './format.js';

export const EVENT_STATUSES = ['draft', 'open', 'closed'];
export const LIVENESS_POLICIES = ['off', 'passive', 'active'];

// event (from the API, or undefined for a new one) → form field strings.
export function eventFields(event) {
  const now = Math.floor(Date.now() / 1000);
  const hour = 3600;
  const startDefault = Math.ceil(now / hour) * hour;
  return {
    name: event?.name ?? '',
    venue: event?.venue ?? '',
    starts: toLocalInput(event?.starts_at ?? startDefault),
    ends: toLocalInput(event?.ends_at ?? startDefault + 3 * hour),
    status: event?.status ?? 'draft',
    liveness: event?.liveness ?? 'active', // the server's default too
    threshold: event?.match_threshold == null ? '' : String(event.match_threshold),
    opensBefore: String(event?.checkin_opens_before_min ?? 60),
    closesAfter: String(event?.checkin_closes_after_min ?? 30),
    consentText: event?.consent_text ?? '',
    selfRegister: event?.self_register === true,
    retainDays: String(event?.retain_faces_days ?? 30),
  };
}

function wholeMinutes(text, field, errors) {
  const value = Number(text);
  if (text === '' || !Number.isInteger(value) || value < 0) {
    errors.push({ field, message: 'Enter a whole number of minutes (0 or more)' });
    return null;
  }
  return value;
}

// form field strings (and the self-register checkbox's boolean) →
// {payload, errors}. errors: [{field, message}].
// An empty threshold is sent as null: "use the server's default"; an empty
// consent text means "the guest page's standard text". consent_version is
// the server's to manage, so it is never sent.
export function eventPayload(fields) {
  const errors = [];
  const name = String(fields.name ?? '').trim();
  if (!name) errors.push({ field: 'name', message: 'The event needs a name' });
  const startsAt = fromLocalInput(fields.starts);
  const endsAt = fromLocalInput(fields.ends);
  if (startsAt === null) errors.push({ field: 'starts', message: 'Enter a start date and time' });
  if (endsAt === null) errors.push({ field: 'ends', message: 'Enter an end date and time' });
  if (startsAt !== null && endsAt !== null && endsAt <= startsAt) {
    errors.push({ field: 'ends', message: 'The event must end after it starts' });
  }
  const status = EVENT_STATUSES.includes(fields.status) ? fields.status : null;
  if (!status) errors.push({ field: 'status', message: 'Choose draft, open or closed' });
  const liveness = LIVENESS_POLICIES.includes(fields.liveness) ? fields.liveness : null;
  if (!liveness) errors.push({ field: 'liveness', message: 'Choose off, passive or active' });
  let threshold = null;
  const thresholdText = String(fields.threshold ?? '').trim();
  if (thresholdText !== '') {
    threshold = Number(thresholdText);
    // Embedding distances of unit vectors lie in [0, 2].
    if (!Number.isFinite(threshold) || threshold <= 0 || threshold >= 2) {
      errors.push({ field: 'threshold', message: 'The threshold is a distance between 0 and 2 (e.g. 0.45), or empty for the default' });
    }
  }
  const opensBefore = wholeMinutes(String(fields.opensBefore ?? '').trim(), 'opensBefore', errors);
  const closesAfter = wholeMinutes(String(fields.closesAfter ?? '').trim(), 'closesAfter', errors);
  const retainText = String(fields.retainDays ?? '30').trim();
  const retainDays = Number(retainText);
  if (retainText === '' || !Number.isInteger(retainDays) || retainDays < 0 || retainDays > 3650) {
    errors.push({ field: 'retainDays', message: 'Keep faces for a whole number of days, 0 to 3650' });
  }
  const payload = {
    name,
    venue: String(fields.venue ?? '').trim(),
    starts_at: startsAt,
    ends_at: endsAt,
    status,
    liveness,
    match_threshold: threshold,
    checkin_opens_before_min: opensBefore,
    checkin_closes_after_min: closesAfter,
    consent_text: String(fields.consentText ?? '').trim(),
    self_register: fields.selfRegister === true || fields.selfRegister === 'true',
    retain_faces_days: retainDays,
  };
  return { payload, errors };
}
