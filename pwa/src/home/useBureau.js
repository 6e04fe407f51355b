// The bureau's pulled view of its enterprises: enterprises, each one's `due`, and a card per enterprise.
import { computed } from 'vue';
import { db } from '../db/database.js';
import { useLiveQuery } from '../composables/useLiveQuery.js';
import { useRecords } from '../composables/useRecords.js';
import { majorHazardsOf, lateEntriesOf } from './obligations.js';
import { enterpriseCards } from './bureauCards.js';

/** Reactive {enterprises, dues, cards (worst first), majorRows, lateRows, enterpriseName(id)}. */
export function useBureau() {
  const enterprises = useLiveQuery(() => db.enterprises.toArray(), []);
  const dues = useRecords('due');
  const cards = computed(() => enterpriseCards(enterprises.value, dues.value));
  const names = computed(() => new Map(enterprises.value.map((e) => [e.id, e.name])));
  const enterpriseName = (id) => names.value.get(id) ?? '';
  const majorRows = computed(() =>
    dues.value
      .flatMap((d) => majorHazardsOf(d).list.map((h) => ({ ...h, enterprise_id: d.enterprise_id })))
      // Most overdue first; one without a deadline (no plan yet) before those still in time.
      .sort((a, b) => (a.days_to_deadline ?? -1) - (b.days_to_deadline ?? -1) || (b.days_open ?? 0) - (a.days_open ?? 0)),
  );
  const lateRows = computed(() =>
    dues.value
      .flatMap((d) => lateEntriesOf(d).list.map((r) => ({ ...r, enterprise_id: d.enterprise_id })))
      .sort((a, b) => String(b.captured_at).localeCompare(String(a.captured_at))),
  );
  return { enterprises, dues, cards, majorRows, lateRows, enterpriseName, loaded: enterprises.loaded };
}
