// Sync status for the UI: running/offline/errors from the loop plus pending and rejected counts from IndexedDB.
import { ref, computed, onScopeDispose } from 'vue';
import { db } from '../db/database.js';
import { subscribeSyncStatus } from '../sync/status.js';
import { useLiveQuery } from './useLiveQuery.js';

/** Reactive sync status: {status, pendingCount, rejectedCount}. */
export function useSyncStatus() {
  const status = ref({});
  const off = subscribeSyncStatus((s) => (status.value = s));
  onScopeDispose(off);
  const pendingCount = useLiveQuery(() => db.outbox.where('state').equals('pending').count(), 0);
  const rejectedCount = useLiveQuery(() => db.rejected.count(), 0);
  return { status, pendingCount, rejectedCount, busy: computed(() => !!status.value.running) };
}
