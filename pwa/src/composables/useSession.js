// The signed-in session as app-wide reactive state, loaded from IndexedDB before the first screen.
import { ref, computed } from 'vue';
import { liveQuery } from 'dexie';
import { loadSession } from '../db/session.js';

const session = ref(null);
let started = false;

/** Load the session once and keep it current as IndexedDB changes (login, refresh, sign-out). */
export async function initSession() {
  session.value = await loadSession();
  if (!started) {
    started = true;
    liveQuery(loadSession).subscribe({ next: (s) => (session.value = s) });
  }
  return session.value;
}

/** Reactive {session, user, signedIn}. */
export function useSession() {
  return {
    session,
    user: computed(() => session.value?.user ?? null),
    signedIn: computed(() => !!session.value?.user),
    reauthRequired: computed(() => !!session.value?.reauth_required),
  };
}
