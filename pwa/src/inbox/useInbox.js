// The signed-in person's notifications as live views (pulled entity + pending read/ack commands),
// newest first, with the unread count; `watchAppBadge()` mirrors the count on the app icon.
import { computed, watch } from 'vue';
import { useRecords } from '../composables/useRecords.js';
import { useSession } from '../composables/useSession.js';
import { newestFirst, unreadCount, updateAppBadge } from './logic.js';

export function useInbox() {
  const { user } = useSession();
  const all = useRecords('notification');
  const notifications = computed(() => newestFirst((all.value ?? []).filter((n) => !user.value || !n.user_id || n.user_id === user.value.id)));
  const unread = computed(() => unreadCount(notifications.value));
  return { notifications, unread, loaded: all.loaded };
}

/** Keep the Badging API count in step with `unread` (a ref); no-op where the API is missing. */
export function watchAppBadge(unread) {
  watch(unread, (n) => updateAppBadge(n), { immediate: true });
}
