// Live optimistic views of document entities (drills, training sessions, users, certificates…):
// re-rendered on every IndexedDB change; each view carries `_pending` (not yet in a pulled server
// version) and `_unsent` (not yet pushed) counts, `_base` and `_version` (the server's state).
import { unref } from 'vue';
import { useLiveQuery } from './useLiveQuery.js';
import { recordView, recordViews, pruneConfirmedCommands } from '../sync/overlay.js';

/** Every record of `entity` (optionally filtered by `filterFn(view)`), as a live ref of an array. */
export function useRecords(entity, filterFn = null) {
  pruneConfirmedCommands().catch(() => {});
  return useLiveQuery(async () => {
    const views = await recordViews(unref(entity));
    return filterFn ? views.filter(filterFn) : views;
  }, []);
}

/** One record of `entity` by id (a value or a ref/getter), as a live ref (null when absent). */
export function useRecord(entity, id) {
  const read = () => (typeof id === 'function' ? id() : unref(id));
  return useLiveQuery(() => recordView(unref(entity), read()), null, typeof id === 'function' || (id && typeof id === 'object') ? read : null);
}
