// Sync status for the UI: running/offline/errors from the loop plus pending and rejected counts from IndexedDB.
import { ref, computed, onScopeDispose } from 'vue';
import { useI18n } from 'vue-i18n';
import { showToast } from 'vant';
import { db } from '../db/database.js';
import { requestSync } from '../sync/engine.js';
import { setSyncStatus, subscribeSyncStatus, syncSummary } from '../sync/status.js';
import { useLiveQuery } from './useLiveQuery.js';

/** Reactive sync status: {status, pendingCount, rejectedCount, busy, summary, syncNow}. */
export function useSyncStatus() {
  const { t } = useI18n();
  const status = ref({});
  const off = subscribeSyncStatus((s) => (status.value = s));
  onScopeDispose(off);
  const pendingCount = useLiveQuery(() => db.outbox.where('state').equals('pending').count(), 0);
  const rejectedCount = useLiveQuery(() => db.rejected.count(), 0);
  const summary = computed(() => syncSummary(pendingCount.value, rejectedCount.value, t));

  /** The person's 立即同步: says so at once when offline (sync starts by itself once online), or when it failed. */
  async function syncNow() {
    if (globalThis.navigator?.onLine === false) {
      setSyncStatus({ offline: true });
      showToast(t('sync.offlineNow'));
      return false;
    }
    const ok = await requestSync({ manual: true });
    if (ok) showToast(t('sync.done'));
    else if (status.value.offline) showToast(t('sync.offlineNow'));
    return ok;
  }
  return { status, pendingCount, rejectedCount, busy: computed(() => !!status.value.running), summary, syncNow };
}
