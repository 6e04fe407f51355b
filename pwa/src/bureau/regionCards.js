// A bureau's region tree (GB/T 2260 codes pulled as `region` entities) and the summary cards of its lower
// regions, aggregated on the phone from the pulled `enterprise_summary` entities: nothing is asked online.
import { summaryCards } from '../home/bureauCards.js';
import { lateEntriesOf, majorHazardsOf, worstRag } from '../home/obligations.js';

const RANK = { red: 3, amber: 2, green: 1, none: 0 };

/** The bureau's own node: `code` when pulled, else the one pulled region whose parent was not pulled. */
export function rootRegion(regions, code = null) {
  const byCode = new Map(regions.map((r) => [r.id ?? r.code, r]));
  if (code && byCode.has(code)) return byCode.get(code);
  const tops = regions.filter((r) => !r.parent_code || !byCode.has(r.parent_code));
  return tops.sort((a, b) => String(a.id ?? a.code).localeCompare(String(b.id ?? b.code)))[0] ?? null;
}

/** The regions directly below `code`, in code order. */
export function childRegions(regions, code) {
  return regions.filter((r) => r.parent_code === code).sort((a, b) => String(a.code).localeCompare(String(b.code)));
}

/** For every pulled region, the child of `code` it lies in (or `code` itself); others are left out. */
function branchOf(regions, code) {
  const parent = new Map(regions.map((r) => [r.code, r.parent_code]));
  const branch = new Map();
  for (const r of regions) {
    let at = r.code;
    const path = [];
    // Walk up until the node or a child of it; a cycle or an unknown parent ends the walk outside.
    while (at && at !== code && parent.get(at) !== code && path.length <= regions.length) {
      path.push(at);
      at = parent.get(at);
    }
    if (at === code) branch.set(r.code, code);
    else if (at && parent.get(at) === code) branch.set(r.code, at);
  }
  branch.set(code, code);
  return branch;
}

/** The summaries of enterprises lying in `code` or anywhere below it. */
export function summariesUnder(summaries, regions, code) {
  if (!code) return summaries;
  const branch = branchOf(regions, code);
  return summaries.filter((s) => branch.has(s.region_code));
}

/** What one region's card says, from its enterprises' summaries. */
export function regionCard(region, summaries) {
  const cards = summaryCards(summaries);
  const dues = summaries.map((s) => s.due).filter(Boolean);
  const obligations = dues.flatMap((d) => d.obligations ?? []);
  return {
    region,
    enterprises: summaries.length,
    worst: worstRag(cards.map((c) => c.worst)),
    overdueObligations: obligations.filter((o) => o.state === 'overdue').length,
    dueSoonObligations: obligations.filter((o) => o.state === 'due_soon').length,
    redEnterprises: cards.filter((c) => c.worst === 'red').length,
    majorHazards: dues.reduce((n, d) => n + majorHazardsOf(d).count, 0),
    lateEntries: dues.reduce((n, d) => n + lateEntriesOf(d).count, 0),
    unsummarised: summaries.length - dues.length,
  };
}

/** One card per region directly below `code`, worst first, then the most overdue, then in code order. */
export function regionCards(regions, summaries, code) {
  const children = childRegions(regions, code);
  const branch = branchOf(regions, code);
  const groups = new Map(children.map((r) => [r.code, []]));
  for (const s of summaries) groups.get(branch.get(s.region_code))?.push(s);
  return children
    .map((r) => regionCard(r, groups.get(r.code)))
    .sort(
      (a, b) =>
        RANK[b.worst] - RANK[a.worst] ||
        b.overdueObligations - a.overdueObligations ||
        String(a.region.code).localeCompare(String(b.region.code)),
    );
}

/** The office's name: a province's 应急管理厅, a city's or county's 应急管理局 (as i18n keys pick it). */
export function officeKey(region) {
  return region?.level === 'province' ? 'bureau.office.province' : 'bureau.office.local';
}

/** The path from the bureau's own node down to `code`: [root, …, node] (just [root] when not below it). */
export function regionPath(regions, rootCode, code) {
  const byCode = new Map(regions.map((r) => [r.code, r]));
  const path = [];
  let at = byCode.get(code);
  while (at && path.length <= regions.length) {
    path.unshift(at);
    if (at.code === rootCode) return path;
    at = byCode.get(at.parent_code);
  }
  return byCode.has(rootCode) ? [byCode.get(rootCode)] : [];
}
