// The bureau's pulled view of its enterprises: enterprises, each one's `due`, and the matrix built from them.
import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import { db } from '../db/database.js';
import { useLiveQuery } from '../composables/useLiveQuery.js';
import { useRecords } from '../composables/useRecords.js';
import { obligationMatrix, majorHazardsOf, lateEntriesOf } from './obligations.js';

/** Reactive {enterprises, dues, matrix, majorRows, lateRows, enterpriseName(id)}. */
export function useBureau() {
  const { locale } = useI18n();
  const enterprises = useLiveQuery(() => db.enterprises.toArray(), []);
  const dues = useRecords('due');
  const matrix = computed(() => obligationMatrix(enterprises.value, dues.value, locale.value));
  const names = computed(() => new Map(enterprises.value.map((e) => [e.id, e.name])));
  const enterpriseName = (id) => names.value.get(id) ?? '';
  const majorRows = computed(() =>
    dues.value
      .flatMap((d) => majorHazardsOf(d).list.map((h) => ({ ...h, enterprise_id: d.enterprise_id })))
      .sort((a, b) => (b.days_open ?? 0) - (a.days_open ?? 0)),
  );
  const lateRows = computed(() =>
    dues.value
      .flatMap((d) => lateEntriesOf(d).list.map((r) => ({ ...r, enterprise_id: d.enterprise_id })))
      .sort((a, b) => String(b.captured_at).localeCompare(String(a.captured_at))),
  );
  return { enterprises, dues, matrix, majorRows, lateRows, enterpriseName, loaded: enterprises.loaded };
}
