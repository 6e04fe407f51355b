// Colleagues pulled as `user` entities: names for ids, and the people a hazard can be assigned to.
import { computed } from 'vue';
import { db } from '../db/database.js';
import { useLiveQuery } from './useLiveQuery.js';
import { useSession } from './useSession.js';

/** Reactive {users, userName(id), colleagues} for the signed-in user's enterprise. */
export function useUsers() {
  const { user } = useSession();
  const users = useLiveQuery(() => db.users.toArray(), []);
  const byId = computed(() => new Map(users.value.map((u) => [u.id, u])));
  const userName = (id) => {
    if (!id) return '';
    const u = byId.value.get(id) ?? (user.value?.id === id ? user.value : null);
    return u ? u.display_name || u.username : id.slice(0, 8);
  };
  const colleagues = computed(() =>
    users.value.filter((u) => u.active !== false && u.enterprise_id && u.enterprise_id === user.value?.enterprise_id),
  );
  return { users, userName, colleagues };
}
