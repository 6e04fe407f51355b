// Object URLs for photos: the local Blob when this phone took it, else the server's thumbnail
// (fetched with the access token and cached in IndexedDB so it shows offline next time).
import { ref, watch, onScopeDispose } from 'vue';
import { db } from '../db/database.js';
import { apiFetch } from '../sync/api.js';

const urls = new Map();

async function loadBlob(sha, variant) {
  const local = await db.blobs.get(sha);
  if (local) return local.blob;
  if (variant === 'thumb') {
    const cached = await db.thumbs.get(sha);
    if (cached) return cached.blob;
  }
  const res = await apiFetch(`/api/v1/blobs/${sha}${variant === 'thumb' ? '?variant=thumb' : ''}`);
  if (!res.ok) return null;
  const blob = await res.blob();
  if (variant === 'thumb') await db.thumbs.put({ sha, blob });
  return blob;
}

/** An object URL for photo `sha` (variant 'thumb' or 'full'); null while loading or unavailable. */
export async function photoUrl(sha, variant = 'thumb') {
  const key = `${sha}|${variant}`;
  if (!urls.has(key)) {
    urls.set(key, loadBlob(sha, variant).then((b) => (b ? URL.createObjectURL(b) : null)).catch(() => null));
  }
  const url = await urls.get(key);
  if (!url) urls.delete(key);
  return url;
}

/** Reactive object URL of a photo that follows a changing sha. */
export function usePhotoUrl(shaRef, variant = 'thumb') {
  const url = ref(null);
  let alive = true;
  watch(shaRef, async (sha) => {
    url.value = null;
    if (sha) {
      const u = await photoUrl(sha, variant);
      if (alive) url.value = u;
    }
  }, { immediate: true });
  onScopeDispose(() => (alive = false));
  return url;
}
