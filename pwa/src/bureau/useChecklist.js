// An enterprise's 令第10号 checklist for an inspection: the pulled one on an enterprise phone; on a bureau's phone
// (which pulls no records) the one read online for its enforcement check, kept so a check started offline works.
import { computed, ref, watch } from 'vue';
import { useRecord } from '../composables/useRecords.js';
import { useSession } from '../composables/useSession.js';
import { fetchRecord, readOnlineOrSaved, savedRecord } from './onlineRecords.js';

/** The checklist of the enterprise `enterpriseId()` as a ref (null when none), with `loaded`. */
export function useChecklist(enterpriseId) {
  const { user } = useSession();
  const pulled = useRecord('checklist', enterpriseId);
  const online = ref(null);
  const onlineDone = ref(false);
  watch([enterpriseId, () => user.value?.role], async ([id, role]) => {
    online.value = null;
    onlineDone.value = role !== 'bureau' || !id;
    if (onlineDone.value) return;
    // The checklist entity is keyed by its enterprise's id.
    const got = await readOnlineOrSaved(() => fetchRecord(id, 'checklist', id), () => savedRecord(id, 'checklist', id)).catch(() => null);
    if (id !== enterpriseId()) return;
    online.value = got?.value?.record ?? null;
    onlineDone.value = true;
  }, { immediate: true });
  const checklist = computed(() => pulled.value ?? online.value);
  return Object.assign(checklist, { loaded: computed(() => pulled.loaded.value && onlineDone.value) });
}
