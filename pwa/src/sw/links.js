// The page a tapped notification opens: the pushed link's hash route, always on this app's own origin.

/** Turn a pushed link (absolute on PUBLIC_BASE_URL, or an older relative one) into a page of this app. */
export function appLink(url, origin = self.location.origin) {
  let text = String(url || '/');
  // The app routes by hash: a bare path such as "/notices/…" means "/#/notices/…".
  if (text.startsWith('/') && !text.startsWith('/#') && text !== '/') text = `/#${text}`;
  let target;
  try {
    target = new URL(text, origin);
  } catch {
    return new URL('/', origin).href;
  }
  if (target.origin === origin) return target.href;
  // The server's base address may not be the one this phone used (a LAN address, a USB-forwarded
  // localhost): open the same route here. Another origin's link never opens anything but this app.
  const route = target.hash.startsWith('#/') ? target.hash : '';
  return new URL(`/${route}`, origin).href;
}
