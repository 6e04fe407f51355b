// Form drafts kept in IndexedDB, so nothing typed is lost when the tab is killed or the phone sleeps.
import { reactive, watch, onScopeDispose, ref, toRaw } from 'vue';
import { db } from '../db/database.js';

/** A reactive form saved under `key` as it changes; returns {form, restored, ready, clear}. */
export function useDraft(key, defaults) {
  const form = reactive(structuredClone(defaults));
  const restored = ref(false);
  let timer = null;
  let loaded = false;
  const save = () => {
    clearTimeout(timer);
    timer = null;
    if (loaded) return db.drafts.put({ key, value: structuredClone(toRaw(form)), updated_at: new Date().toISOString() });
  };
  const ready = db.drafts.get(key).then((row) => {
    if (row?.value) {
      Object.assign(form, row.value);
      restored.value = true;
    }
    loaded = true;
  });
  watch(form, () => {
    clearTimeout(timer);
    timer = setTimeout(save, 250);
  }, { deep: true });
  const onHide = () => document.visibilityState === 'hidden' && timer && save();
  document.addEventListener('visibilitychange', onHide);
  window.addEventListener('pagehide', save);
  onScopeDispose(() => {
    if (timer) save();
    document.removeEventListener('visibilitychange', onHide);
    window.removeEventListener('pagehide', save);
  });
  /** Drop the draft after the command is safely queued. */
  const clear = async () => {
    clearTimeout(timer);
    timer = null;
    loaded = false;
    await db.drafts.delete(key);
  };
  /** Save now (e.g. right after a photo is stored). */
  const flush = () => save();
  return { form, restored, ready, clear, flush };
}
