// Service worker: precache the app shell, serve index.html for navigations offline, update on request,
// and show pushed notifications ({title, body, url, tag}) that open the app at `url` when tapped.
import { precacheAndRoute, cleanupOutdatedCaches, createHandlerBoundToURL } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { clientsClaim } from 'workbox-core';
import { appLink } from './links.js';

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// The API and the server-rendered /rules page are the server's, never the app shell.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/api\//, /^\/rules/] }));

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') self.skipWaiting();
});
clientsClaim();

self.addEventListener('push', (event) => {
  let payload = {};
  try {
    payload = event.data ? event.data.json() : {};
  } catch {
    payload = { body: event.data?.text() };
  }
  const { title = '安全台账', body = '', url = '/', tag } = payload ?? {};
  const options = { body, data: { url }, icon: '/icons/icon-192.png', badge: '/icons/icon-192.png' };
  // A newer reminder with the same tag replaces the older one (and alerts again).
  if (tag) Object.assign(options, { tag, renotify: true });
  event.waitUntil(self.registration.showNotification(title, options));
});

/** Focus a window of this app and show `target` in it, or open a new window; no page needs to be open. */
async function openApp(target) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const ours = windows.filter((w) => new URL(w.url).origin === self.location.origin);
  // Prefer the window the person is looking at, then a controlled one (navigate() needs control).
  const open = ours.find((w) => w.focused) ?? ours.find((w) => w.visibilityState === 'visible') ?? ours[0];
  if (!open) return self.clients.openWindow(target);
  // Focus first, while the click still counts as a user gesture, then move the window to the target.
  const focused = await open.focus().catch(() => open);
  const client = focused ?? open;
  if (client.url === target) return client;
  try {
    const moved = await client.navigate(target);
    if (moved) return moved;
  } catch {
    // An uncontrolled window cannot be navigated by the worker: ask the page to route itself.
  }
  client.postMessage({ type: 'navigate', url: target });
  return client;
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(openApp(appLink(event.notification.data?.url)));
});
