// Live optimistic views of document entities (drills, training sessions, users, certificates…):
// re-rendered on every IndexedDB change; each view carries `_pending` (not yet in a pulled server
// version) and `_unsent` (not yet pushed) counts, `_base` and `_version` (the server's state).
import { unref } from 'vue';
import { useLiveQuery } from './useLiveQuery.js';
import { recordView, recordViews, pruneConfirmedCommands } from '../sync/overlay.js';
import { recordsWithRejections, recordWithRejections } from '../sync/rejections.js';

/** Every record of `entity` (optionally filtered by `filterFn(view)`), as a live ref of an array. */
export function useRecords(entity, filterFn = null, { keepRejected = false } = {}) {
  pruneConfirmedCommands().catch(() => {});
  return useLiveQuery(async () => {
    const name = unref(entity);
    const views = await recordsWithRejections(name, await recordViews(name), keepRejected);
    return filterFn ? views.filter(filterFn) : views;
  }, []);
}

/** One record of `entity` by id (a value or a ref/getter), as a live ref (null when absent). */
export function useRecord(entity, id, { keepRejected = false } = {}) {
  const read = () => (typeof id === 'function' ? id() : unref(id));
  const query = async () => {
    const [name, key] = [unref(entity), read()];
    return recordWithRejections(name, key, await recordView(name, key), keepRejected);
  };
  return useLiveQuery(query, null, typeof id === 'function' || (id && typeof id === 'object') ? read : null);
}
