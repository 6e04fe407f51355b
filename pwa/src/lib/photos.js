// Photos are evidence: shrink on the phone to ≤ 1600 px (JPEG ~0.8), then hash the compressed bytes.
export const MAX_EDGE = 1600;
export const JPEG_QUALITY = 0.8;

/** Scale (width, height) to fit within maxEdge on the longest side, never enlarging. */
export function fitWithin(width, height, maxEdge = MAX_EDGE) {
  const scale = Math.min(1, maxEdge / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Lowercase hex SHA-256 of a Blob's or buffer's bytes. */
export async function sha256Hex(data) {
  const buffer = data instanceof Blob ? await data.arrayBuffer() : data;
  const digest = await crypto.subtle.digest('SHA-256', buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Decode an image file and re-encode it as a JPEG Blob no larger than MAX_EDGE on its longest side. */
export async function compressImage(file, { maxEdge = MAX_EDGE, quality = JPEG_QUALITY } = {}) {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const { width, height } = fitWithin(bitmap.width, bitmap.height, maxEdge);
  let blob;
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, width, height);
    blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
  } else {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d').drawImage(bitmap, 0, 0, width, height);
    blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
  }
  bitmap.close?.();
  return blob;
}

/** Compress a picked file and hash the result: {sha, blob}. `compress` is swappable for tests. */
export async function preparePhoto(file, { compress = compressImage } = {}) {
  const blob = await compress(file);
  const sha = await sha256Hex(blob);
  return { sha, blob };
}
