// Who is likely to be assigned a hazard, and the deadline offered by default: display help for the officer's
// assign form (the server checks only that the assignee is a colleague and that a date is given).

// Days to rectify offered by default. 令第16号 Art.15 has a general hazard rectified at once (立即组织整改) and a
// major one by the 时限 its plan sets; these days are our default only, and the officer may choose any date.
export const DEFAULT_RECTIFY_DAYS = { general: 7, major: 30 };

/** The date `days` after `day` (both YYYY-MM-DD, calendar days). */
export function addDays(day, days) {
  const [y, m, d] = day.split('-').map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + days));
  return next.toISOString().slice(0, 10);
}

/** The deadline offered for a hazard of this severity, counted from `today` (YYYY-MM-DD, Asia/Shanghai). */
export function defaultDueDate(severity, today) {
  return addDays(today, DEFAULT_RECTIFY_DAYS[severity] ?? DEFAULT_RECTIFY_DAYS.general);
}

/**
 * Colleagues ordered as the officer is likely to pick them: the hazard's current assignee, then whoever was
 * assigned most hazards of the same location, then most hazards overall, then the reporter, then by name.
 * Only active people of the hazard's enterprise; the bureau never appears.
 */
export function likelyAssignees(colleagues, hazards, hazard, limit = 4) {
  const overall = new Map();
  const here = new Map();
  for (const h of hazards) {
    if (!h.assignee_id || h.id === hazard?.id) continue;
    overall.set(h.assignee_id, (overall.get(h.assignee_id) ?? 0) + 1);
    if (hazard?.location && h.location === hazard.location) here.set(h.assignee_id, (here.get(h.assignee_id) ?? 0) + 1);
  }
  const name = (u) => u.display_name || u.username || '';
  const score = (u) => [
    u.id === hazard?.assignee_id ? 1 : 0,
    here.get(u.id) ?? 0,
    overall.get(u.id) ?? 0,
    u.id === hazard?.reported_by ? 1 : 0,
  ];
  const ranked = [...colleagues].sort((a, b) => {
    const [sa, sb] = [score(a), score(b)];
    for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return sb[i] - sa[i];
    return name(a).localeCompare(name(b), 'zh-CN');
  });
  return limit ? ranked.slice(0, limit) : ranked;
}
