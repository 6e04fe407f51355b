// Show wire times (RFC 3339 UTC) in China's time zone, whatever the phone's own setting.
const formatters = new Map();

function formatter(locale, options) {
  const key = `${locale}|${JSON.stringify(options)}`;
  if (!formatters.has(key)) formatters.set(key, new Intl.DateTimeFormat(locale, { timeZone: 'Asia/Shanghai', ...options }));
  return formatters.get(key);
}

/** "2026-11-29 16:00"-style date and time in Asia/Shanghai. */
export function formatDateTime(iso, locale = 'zh-CN') {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return formatter(locale, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
}

/** Today's date (YYYY-MM-DD) in Asia/Shanghai, for due-date comparisons. */
export function todayInShanghai(now = new Date()) {
  return formatter('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** A due date is overdue when it is before today in Shanghai and the hazard is still open. */
export function isOverdue(hazard, now = new Date()) {
  return !!hazard.due_date && ['reported', 'assigned'].includes(hazard.status) && hazard.due_date < todayInShanghai(now);
}
