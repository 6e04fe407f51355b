// The hazard list's filters: all / mine / to rectify / to verify / major.
import { availableActions } from './permissions.js';

export const HAZARD_FILTERS = {
  all: () => true,
  mine: (h, u) => h.reported_by === u.id,
  todo: (h, u) =>
    (h.status === 'assigned' && h.assignee_id === u.id) ||
    (h.status === 'reported' && h.severity === 'general' && h.reported_by === u.id) ||
    (u.role === 'officer' && ['reported', 'assigned'].includes(h.status)),
  verify: (h, u) => availableActions(h, u).includes('verify'),
  major: (h) => h.severity === 'major',
};

/** Hazards matching `filter` for `user`, newest first. */
export function filterHazards(hazards, filter, user) {
  const keep = HAZARD_FILTERS[filter] ?? HAZARD_FILTERS.all;
  return hazards
    .filter((h) => keep(h, user))
    .sort((a, b) => String(b.captured_at ?? '').localeCompare(String(a.captured_at ?? '')));
}
