// Obligations from an enterprise's pulled `due` entity as red/amber/green, nothing hard-coded: the
// obligations are whatever the server computed (bureauCards.js makes the bureau's cards of them).

export const RAG = { ok: 'green', due_soon: 'amber', overdue: 'red' };
const RANK = { red: 3, amber: 2, green: 1, none: 0 };

/** green / amber / red for an obligation state; 'none' when unknown. */
export function ragOf(state) {
  return RAG[state] ?? 'none';
}

/**
 * What an obligation's tag says and its colour: its state, except that one never done is never 正常 — it
 * says 从未开展 (grey) until it is due soon or overdue, which say so in amber or red.
 */
export function obligationTag(o) {
  if (!o?.last_done && o?.state === 'ok') return { rag: 'none', state: 'never' };
  return { rag: ragOf(o?.state), state: o?.state };
}

/** The Vant tag type for a RAG colour. */
export function tagTypeOf(rag) {
  return { red: 'danger', amber: 'warning', green: 'success' }[rag] ?? 'default';
}

/** The label of an obligation in the UI language. */
export function obligationLabel(o, locale = 'zh-CN') {
  return (locale.startsWith('zh') ? o.label_zh : o.label_en) || o.label_zh || o.label_en || o.key;
}

/** The worst colour of a list of colours. */
export function worstRag(rags) {
  return rags.reduce((worst, r) => (RANK[r] > RANK[worst] ? r : worst), 'none');
}

/** Obligations of one `due`, worst first then soonest, each with its colour. */
export function sortedObligations(due) {
  return (due?.obligations ?? [])
    .map((o) => ({ ...o, rag: ragOf(o.state) }))
    .sort((a, b) => RANK[b.rag] - RANK[a.rag] || String(a.next_due ?? '').localeCompare(String(b.next_due ?? '')));
}

/** The due entity's list (or count) of open major hazards, whichever name the server uses. */
export function majorHazardsOf(due) {
  return listOrCount(due?.major_hazards ?? due?.open_major_hazards);
}

/** The due entity's late entries (captured long before received), list or count. */
export function lateEntriesOf(due) {
  return listOrCount(due?.late_entries);
}

function listOrCount(value) {
  if (Array.isArray(value)) return { list: value, count: value.length };
  if (typeof value === 'number') return { list: [], count: value };
  return { list: [], count: 0 };
}

/** Whole days between two dates (YYYY-MM-DD or ISO), b − a. */
export function daysBetween(a, b) {
  if (!a || !b) return null;
  const day = (s) => Date.UTC(...String(s).slice(0, 10).split('-').map((n, i) => Number(n) - (i === 1 ? 1 : 0)));
  return Math.round((day(b) - day(a)) / 86_400_000);
}

/** Which record list is behind an obligation key: drills, inspections, trainings, hazards or the ledger. */
export function recordsBehind(key) {
  if (/drill/.test(key)) return 'drills';
  if (/inspection/.test(key)) return 'inspections';
  if (/training/.test(key)) return 'trainings';
  if (/hazard/.test(key)) return 'hazards';
  return 'ledger';
}
