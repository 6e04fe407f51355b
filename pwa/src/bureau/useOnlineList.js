// One record list of an enterprise as Vant's van-list reads it: online a page at a time (加载更多), each page
// kept; offline (or when the server fails) the pages kept last time, with their time and why.
import { reactive } from 'vue';
import { failureKind, fetchRecordPage, readOnlineOrSaved, savedRecordList } from './onlineRecords.js';

/**
 * Reactive {records, loading, finished, source, fetchedAt, error, started} and load() for van-list's @load;
 * `error` is 'offline', 'failed', 'auth' or 'not_in_region'.
 */
export function useOnlineList(enterpriseId, entity) {
  const state = reactive({ records: [], loading: false, finished: false, source: null, fetchedAt: null, error: null, started: false });
  let cursor = null;

  async function first() {
    const got = await readOnlineOrSaved(() => fetchRecordPage(enterpriseId(), entity), () => savedRecordList(enterpriseId(), entity));
    state.source = got.source;
    state.fetchedAt = got.fetched_at;
    state.error = got.error;
    state.records = got.value?.records ?? [];
    cursor = got.source === 'online' ? got.value.next_cursor : null;
    state.finished = !cursor;
  }

  async function next() {
    try {
      const page = await fetchRecordPage(enterpriseId(), entity, cursor);
      const seen = new Set(state.records.map((r) => r.id));
      state.records.push(...page.records.filter((r) => !seen.has(r.id)));
      cursor = page.next_cursor;
      state.finished = !cursor;
    } catch (err) {
      // The pages already shown stay; the rest waits for the network.
      state.error = failureKind(err);
      state.finished = true;
    }
  }

  let inflight = null;
  /** Load the first page, or the next one; van-list calls it as the person scrolls to the end (once at a time). */
  function load() {
    if (inflight) return inflight;
    state.loading = true;
    inflight = (async () => {
      try {
        if (!state.started) {
          state.started = true;
          await first();
        } else if (cursor) {
          await next();
        } else {
          state.finished = true;
        }
      } catch (err) {
        state.error = failureKind(err);
        state.finished = true;
      } finally {
        state.loading = false;
        inflight = null;
      }
    })();
    return inflight;
  }

  /** Start again from the first page (back online, or pulled to refresh). */
  function reset() {
    cursor = null;
    Object.assign(state, { records: [], finished: false, source: null, fetchedAt: null, error: null, started: false });
  }

  return { state, load, reset };
}
