// The bureau's overview on a phone: one card per enterprise from its pulled summary's `due`, worst first (red,
// then amber, then green, each by how overdue), filtered by colour. Days count from the entity's own
// `computed_on` (its states hold until the next day), so nothing here reads the phone's clock.
import { daysBetween, obligationTag, worstRag } from './obligations.js';

const RANK = { red: 3, amber: 2, green: 1, none: 0 };
export const CARD_FILTERS = ['all', 'red', 'amber'];

/** A major hazard's colour: red when overdue or without a deadline, else its state's colour. */
function majorRag(h) {
  if (!h.due_date || h.state === 'overdue') return 'red';
  return h.state === 'due_soon' ? 'amber' : 'green';
}

/** One enterprise's card: {enterprise, due, worst, lateness, attention (obligations), tally, major hazards late/soon, counts}. */
export function enterpriseCard(enterprise, due) {
  const today = due?.computed_on ?? null;
  const obligations = (due?.obligations ?? []).map((o) => ({ ...o, ...obligationTag(o), days: today ? daysBetween(o.next_due, today) : null }));
  const majors = (due?.major_hazards ?? []).map((h) => ({ ...h, rag: majorRag(h), days: h.days_to_deadline == null ? null : -h.days_to_deadline }));
  const attention = obligations
    .filter((o) => o.rag === 'red' || o.rag === 'amber')
    .sort((a, b) => RANK[b.rag] - RANK[a.rag] || (b.days ?? 0) - (a.days ?? 0));
  const worst = worstRag([...obligations.map((o) => o.rag), ...majors.map((h) => h.rag)]);
  // How overdue: the most days past due of whatever gives the card its colour (negative: days until due).
  const lateness = Math.max(-Infinity, ...[...obligations, ...majors].filter((x) => x.rag === worst && x.days !== null).map((x) => x.days));
  return {
    enterprise,
    due,
    worst,
    lateness: Number.isFinite(lateness) ? lateness : null,
    attention,
    // How many things are red and amber: the obligations and the major hazards.
    tally: {
      red: attention.filter((o) => o.rag === 'red').length + majors.filter((h) => h.rag === 'red').length,
      amber: attention.filter((o) => o.rag === 'amber').length + majors.filter((h) => h.rag === 'amber').length,
    },
    overdueMajors: majors.filter((h) => h.rag === 'red').length,
    soonMajors: majors.filter((h) => h.rag === 'amber').length,
    counts: {
      majorHazards: due ? (due.open_major_hazards ?? majors.length) : null,
      overdueHazards: due?.overdue_hazards ?? null,
      activeLockouts: due?.active_lockouts ?? null,
    },
  };
}

/** Cards worst first, then the most overdue, then by name. */
function worstFirst(cards) {
  return cards.sort(
    (a, b) =>
      RANK[b.worst] - RANK[a.worst] ||
      (b.lateness ?? -Infinity) - (a.lateness ?? -Infinity) ||
      (a.enterprise.name ?? '').localeCompare(b.enterprise.name ?? '', 'zh-CN'),
  );
}

/** Cards for every enterprise, worst first, then the most overdue, then by name. */
export function enterpriseCards(enterprises, dues) {
  const dueBy = new Map(dues.filter(Boolean).map((d) => [d.enterprise_id, d]));
  return worstFirst(enterprises.map((e) => enterpriseCard(e, dueBy.get(e.id) ?? null)));
}

/** Cards from a bureau's pulled `enterprise_summary` entities, each carrying its enterprise's `due`. */
export function summaryCards(summaries) {
  return worstFirst(summaries.map((s) => enterpriseCard(s, s.due ?? null)));
}

/** The cards a filter keeps: all, red (something overdue) or amber (worst is due soon). */
export function filterCards(cards, filter) {
  return filter === 'red' || filter === 'amber' ? cards.filter((c) => c.worst === filter) : cards;
}

/** How many cards each filter keeps, for the filter's labels. */
export function filterCounts(cards) {
  return Object.fromEntries(CARD_FILTERS.map((f) => [f, filterCards(cards, f).length]));
}
