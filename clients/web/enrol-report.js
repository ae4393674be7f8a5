// The verdict shown after an enrolment attempt. Refusal messages are the
// server's words, shown as-is: they already say what to change ("face the
// camera in good light"), and rewording them here would drift from the API.

function round(value, digits = 1) {
  return Number.isFinite(value) ? Number(value.toFixed(digits)) : value;
}

// The server's quality object → [{label, value}] rows for a small table.
export function qualityRows(quality) {
  if (!quality || typeof quality !== 'object') return [];
  const rows = [];
  if (quality.face_px != null) rows.push({ label: 'Face size', value: `${round(quality.face_px)} px` });
  if (quality.sharpness != null) rows.push({ label: 'Sharpness', value: String(round(quality.sharpness)) });
  if (quality.brightness != null) rows.push({ label: 'Brightness', value: String(round(quality.brightness)) });
  const pose = quality.pose;
  if (pose && typeof pose === 'object') {
    rows.push({
      label: 'Pose (yaw / pitch / roll)',
      value: `${round(pose.yaw)}° / ${round(pose.pitch)}° / ${round(pose.roll)}°`,
    });
  }
  return rows;
}

// Shown while a person has a single template: a second photo is the best
// lever on missed check-ins (docs/identification.md: ~40% fewer on LFW).
export const SECOND_PHOTO_HINT =
  'Only one photo so far: a second one (another day, with or without glasses) ' +
  'makes the kiosk miss this guest far less often.';

// outcome: {ok: true, value: 201 body} or {ok: false, error: ApiError}.
// → {ok, kind, title, message, reasons, quality, canOverride, faceCount, hint}
//   hint: advice after a successful enrolment ('' when none)
//   kind: 'enrolled' | 'refused' | 'duplicate' | 'error'
//   canOverride: offer "enrol anyway" (possible duplicate the operator knows is fine)
//   faceCount: when several faces were found, how many (to pick face_index)
export function enrolReport(outcome) {
  if (outcome.ok) {
    const quality = outcome.value?.quality || {};
    const reasons = Array.isArray(quality.reasons) ? quality.reasons.map(String) : [];
    return {
      ok: true,
      kind: 'enrolled',
      title: 'Face enrolled',
      message: reasons.length ? 'Quality: acceptable, with notes' : 'Quality: good',
      reasons,
      quality: qualityRows(quality),
      canOverride: false,
      faceCount: 0,
      hint: outcome.value?.templates === 1 ? SECOND_PHOTO_HINT : '',
    };
  }
  const error = outcome.error || {};
  const details = error.details || {};
  const message = error.message || error.code || 'The photo was refused';
  const quality = details.quality || null;
  // poor_quality's message is its first reason; list the others only.
  const reasons = (Array.isArray(quality?.reasons) ? quality.reasons.map(String) : [])
    .filter((r) => r !== message);
  const faceCount = Array.isArray(details.faces) ? details.faces.length : 0;
  if (error.status === 409 && error.code === 'possible_duplicate') {
    return { ok: false, kind: 'duplicate', title: 'Possible duplicate', message, reasons,
      quality: [], canOverride: true, faceCount: 0, hint: '' };
  }
  if (error.status === 422) {
    return { ok: false, kind: 'refused', title: 'Not enrolled', message, reasons,
      quality: qualityRows(quality), canOverride: false, faceCount, hint: '' };
  }
  return { ok: false, kind: 'error', title: 'Not enrolled', message, reasons: [],
    quality: [], canOverride: false, faceCount: 0, hint: '' };
}

// The attendee list's "Face" cell: enrolled or not, and whether the face
// templates are all of an older recognition model (needs_new_photo): such a
// guest still checks in, but is missed far more often until re-enrolled.
export function enrolmentCell(attendee) {
  const count = attendee?.template_count ?? 0;
  if (!(count > 0 || attendee?.enrolled === true)) return { text: 'not enrolled', cls: 'muted', title: '' };
  if (attendee?.needs_new_photo === true) {
    return { text: `✓ ${count} · new photo advised`, cls: 'warn',
      title: `Enrolled with an older recognition model (${(attendee.template_models ?? []).join(', ')}): ` +
        'enrol a new photo, or run facecheck admin reembed if photos are stored.' };
  }
  return { text: `✓ ${count || ''}`.trim(), cls: 'ok', title: '' };
}
