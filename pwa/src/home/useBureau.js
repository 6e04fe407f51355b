// The bureau's pulled view of its region: the `enterprise_summary` of each enterprise (with its `due`) and the
// `region` tree; a node's lower regions as summary cards and its own enterprises as cards, worst first.
import { computed } from 'vue';
import { db } from '../db/database.js';
import { useLiveQuery } from '../composables/useLiveQuery.js';
import { useSession } from '../composables/useSession.js';
import { majorHazardsOf, lateEntriesOf } from './obligations.js';
import { summaryCards } from './bureauCards.js';
import { childRegions, regionCards, regionPath, rootRegion, summariesUnder } from '../bureau/regionCards.js';

/** Every pulled summary and region, live; the bureau's own node (`root`) and names by id. */
export function useBureauData() {
  const { user } = useSession();
  const summaries = useLiveQuery(() => db.summaries.toArray(), []);
  const regions = useLiveQuery(() => db.regions.toArray(), []);
  const root = computed(() => rootRegion(regions.value, user.value?.region_code ?? null));
  const names = computed(() => new Map(summaries.value.map((s) => [s.id, s.name])));
  const regionNames = computed(() => new Map(regions.value.map((r) => [r.code, r.name])));
  return {
    summaries,
    regions,
    root,
    enterpriseName: (id) => names.value.get(id) ?? '',
    regionName: (code) => regionNames.value.get(code) ?? '',
    loaded: computed(() => summaries.loaded.value && regions.loaded.value),
  };
}

/**
 * The bureau's screen of one node (`nodeCode()`, its own node when null): {node, path, regionCards (one per
 * lower region), cards (its enterprises), majorRows and lateRows (of everything below), enterpriseName(id)}.
 */
export function useBureau(nodeCode = () => null) {
  const data = useBureauData();
  const { summaries, regions, root } = data;
  const node = computed(() => {
    const code = nodeCode() ?? root.value?.code ?? null;
    return regions.value.find((r) => r.code === code) ?? null;
  });
  const path = computed(() => (node.value && root.value ? regionPath(regions.value, root.value.code, node.value.code) : []));
  const below = computed(() => (node.value ? summariesUnder(summaries.value, regions.value, node.value.code) : summaries.value));
  const lower = computed(() => (node.value ? regionCards(regions.value, below.value, node.value.code) : []));
  // Enterprises registered at this node itself (every enterprise lies in a county: a county's own list).
  const own = computed(() => (node.value && childRegions(regions.value, node.value.code).length ? below.value.filter((s) => s.region_code === node.value.code) : below.value));
  const cards = computed(() => summaryCards(own.value));
  const withEnterprise = (pick) => (s) => pick(s.due).list.map((row) => ({ ...row, enterprise_id: s.id, region_code: s.region_code }));
  const majorRows = computed(() =>
    below.value
      .flatMap(withEnterprise(majorHazardsOf))
      // Most overdue first; one without a deadline (no plan yet) before those still in time.
      .sort((a, b) => (a.days_to_deadline ?? -1) - (b.days_to_deadline ?? -1) || (b.days_open ?? 0) - (a.days_open ?? 0)),
  );
  const lateRows = computed(() =>
    below.value.flatMap(withEnterprise(lateEntriesOf)).sort((a, b) => String(b.captured_at).localeCompare(String(a.captured_at))),
  );
  return { ...data, node, path, regionCards: lower, cards, majorRows, lateRows };
}
