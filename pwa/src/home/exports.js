// Excel ledgers from the server (online only): fetch with the access token, then save the Blob.
import { ref, onScopeDispose } from 'vue';
import { apiFetch, ApiError, readJson } from '../sync/api.js';

export const LEDGERS = ['hazards', 'drills', 'trainings', 'special_operations'];

/** The export URL of one ledger, for one enterprise. */
export function exportUrl(ledger, enterpriseId) {
  return `/api/v1/exports/${ledger}.xlsx?enterprise_id=${encodeURIComponent(enterpriseId)}`;
}

/** Download one ledger as an .xlsx file. */
export async function downloadLedger(ledger, enterpriseId, fileName) {
  const res = await apiFetch(exportUrl(ledger, enterpriseId));
  if (!res.ok) throw new ApiError(res.status, await readJson(res));
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** navigator.onLine as a ref that follows the online/offline events. */
export function useOnline() {
  const online = ref(globalThis.navigator?.onLine ?? true);
  const update = () => (online.value = navigator.onLine);
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
  onScopeDispose(() => {
    window.removeEventListener('online', update);
    window.removeEventListener('offline', update);
  });
  return online;
}
