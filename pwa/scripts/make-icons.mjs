// Draw the app icons (a white warning triangle on blue) as PNGs with Node's zlib only: no network, no deps.
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';

const BLUE = [22, 119, 255];
const WHITE = [255, 255, 255];

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  const sig = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([sig, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// Shape tests in unit coordinates (0..1); `inset` shrinks the symbol into the maskable safe zone.
function colourAt(x, y, { rounded, inset }) {
  const r = 0.18;
  if (rounded) {
    const cx = Math.min(Math.max(x, r), 1 - r);
    const cy = Math.min(Math.max(y, r), 1 - r);
    if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) return null;
  }
  const s = 1 - 2 * inset;
  const u = (x - inset) / s;
  const v = (y - inset) / s;
  const top = 0.16;
  const bottom = 0.84;
  const inTriangle = v >= top && v <= bottom && Math.abs(u - 0.5) <= ((v - top) / (bottom - top)) * 0.4;
  if (!inTriangle) return BLUE;
  const bar = Math.abs(u - 0.5) < 0.045 && v > 0.38 && v < 0.66;
  const dot = (u - 0.5) ** 2 + (v - 0.74) ** 2 < 0.045 ** 2;
  return bar || dot ? BLUE : WHITE;
}

function draw(size, options) {
  const px = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = colourAt((x + (sx + 0.5) / n) / size, (y + (sy + 0.5) / n) / size, options);
          if (!c) continue;
          acc[0] += c[0];
          acc[1] += c[1];
          acc[2] += c[2];
          acc[3] += 255;
        }
      }
      const hits = acc[3] / 255 || 1;
      px.set([acc[0] / hits, acc[1] / hits, acc[2] / hits, acc[3] / (n * n)], (y * size + x) * 4);
    }
  }
  return encodePng(size, px);
}

const out = new URL('../public/icons/', import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(new URL('icon-192.png', out), draw(192, { rounded: true, inset: 0.08 }));
writeFileSync(new URL('icon-512.png', out), draw(512, { rounded: true, inset: 0.08 }));
writeFileSync(new URL('maskable-512.png', out), draw(512, { rounded: false, inset: 0.18 }));
console.log('icons written to public/icons/');
