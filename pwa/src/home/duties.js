// What else is due for the signed-in person, below their next actions (nextActions.js): my trainings and my
// record's warnings (worker); obligations (officer); obligations and inspections to lead (principal).

/** Scheduled training sessions that invite `user`, soonest first. */
export function myTrainings(sessions, user) {
  return sessions
    .filter((s) => s.status === 'scheduled' && (s.invitee_ids ?? []).includes(user.id))
    .sort((a, b) => String(a.scheduled_at).localeCompare(String(b.scheduled_at)));
}

/** Warnings of a person_record: retraining required, retake allowed, certificates expiring or needing review. */
export function recordWarnings(record) {
  if (!record) return [];
  const out = [];
  const exam = record.exam?.status;
  if (exam === 'retraining_required' || exam === 'retake_allowed') out.push({ kind: exam });
  if (record.required_hours && (record.hours_this_year ?? 0) < record.required_hours) {
    out.push({ kind: 'hours', hours: record.hours_this_year ?? 0, required: record.required_hours });
  }
  for (const c of record.certificates ?? []) {
    if (c.state && c.state !== 'valid' && c.state !== 'ok') out.push({ kind: 'certificate', operation: c.operation, state: c.state, date: c.expires_on ?? c.next_review });
  }
  return out;
}

/** The home sections each role sees, in order. */
export function sectionsFor(role) {
  return {
    worker: ['trainings', 'record'],
    officer: ['obligations'],
    principal: ['obligations', 'inspections'],
  }[role] ?? [];
}
