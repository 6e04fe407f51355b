// What is due for the signed-in person, from pulled data: my trainings, my hazards to fix, my record's
// warnings (worker); obligations, hazards to verify, active lockouts (officer); inspections, major hazards (principal).

const OPEN_HAZARD = ['reported', 'assigned', 'rectified'];

/** Scheduled training sessions that invite `user`, soonest first. */
export function myTrainings(sessions, user) {
  return sessions
    .filter((s) => s.status === 'scheduled' && (s.invitee_ids ?? []).includes(user.id))
    .sort((a, b) => String(a.scheduled_at).localeCompare(String(b.scheduled_at)));
}

/** Hazards assigned to `user` and not yet rectified. */
export function hazardsToRectify(hazards, user) {
  return hazards.filter((h) => h.status === 'assigned' && h.assignee_id === user.id);
}

/** Rectified hazards this manager may verify (not their own rectification). */
export function hazardsToVerify(hazards, user) {
  if (!['officer', 'principal'].includes(user.role)) return [];
  return hazards.filter((h) => h.status === 'rectified' && h.rectification?.by !== user.id);
}

/** Open major hazards. */
export function openMajorHazards(hazards) {
  return hazards.filter((h) => h.severity === 'major' && OPEN_HAZARD.includes(h.status));
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
    worker: ['lockouts', 'trainings', 'rectify', 'record'],
    officer: ['lockouts', 'obligations', 'verify'],
    principal: ['lockouts', 'obligations', 'inspections', 'major'],
  }[role] ?? [];
}
