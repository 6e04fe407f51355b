// After `vite build`: write a .br and a .gz beside each text file of dist, so the server sends every client
// the best encoding it accepts (backend/web.py) without compressing on each request. Node's own zlib only.
import { readdir, readFile, writeFile, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const TEXT = /\.(js|mjs|css|html|svg|webmanifest|json|txt|map)$/;
// Below this a compressed copy saves less than a packet and costs a file: send those as they are.
const MIN_BYTES = 1024;

async function* files(folder) {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

/** Write path.br and path.gz when each is smaller than the file; remove stale ones that are not. */
async function precompress(path) {
  const raw = await readFile(path);
  const variants = {
    br: brotliCompressSync(raw, {
      params: {
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    }),
    gz: gzipSync(raw, { level: constants.Z_BEST_COMPRESSION }),
  };
  const sizes = { raw: raw.length };
  for (const [suffix, bytes] of Object.entries(variants)) {
    if (bytes.length < raw.length) {
      await writeFile(`${path}.${suffix}`, bytes);
      sizes[suffix] = bytes.length;
    } else {
      await unlink(`${path}.${suffix}`).catch(() => {});
    }
  }
  return sizes;
}

const dist = resolve(process.argv[2] ?? new URL('../dist', import.meta.url).pathname);
let count = 0;
let before = 0;
let after = 0;
for await (const path of files(dist)) {
  if (!TEXT.test(path) || (await stat(path)).size < MIN_BYTES) continue;
  const sizes = await precompress(path);
  count += 1;
  before += sizes.raw;
  after += sizes.br ?? sizes.raw;
}
console.log(`precompressed ${count} files in ${dist}: ${before} bytes, ${after} as brotli`);
