// A Dexie liveQuery as a Vue ref: screens re-render whenever IndexedDB changes, online or not.
import { ref, watch, onScopeDispose } from 'vue';
import { liveQuery } from 'dexie';

/** Run `query` now and after every relevant IndexedDB change; re-subscribes when `deps` change. */
export function useLiveQuery(query, initial = undefined, deps = null) {
  const result = ref(initial);
  const loaded = ref(false);
  let subscription = null;
  const subscribe = () => {
    subscription?.unsubscribe();
    subscription = liveQuery(query).subscribe({
      next: (value) => {
        result.value = value;
        loaded.value = true;
      },
      error: (err) => console.error('liveQuery failed', err),
    });
  };
  if (deps) watch(deps, subscribe, { immediate: true });
  else subscribe();
  onScopeDispose(() => subscription?.unsubscribe());
  return Object.assign(result, { loaded });
}
