// Photos are hashed after compression: the stored hash is the SHA-256 of the compressed bytes.
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { fitWithin, preparePhoto, sha256Hex } from '../src/lib/photos.js';

describe('photos', () => {
  it('hashes the compressed bytes, not the original file', async () => {
    const original = new Blob([new Uint8Array(5000).fill(7)], { type: 'image/png' });
    const compressedBytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
    const { sha, blob } = await preparePhoto(original, { compress: async () => new Blob([compressedBytes], { type: 'image/jpeg' }) });
    expect(sha).toBe(createHash('sha256').update(compressedBytes).digest('hex'));
    expect(sha).not.toBe(createHash('sha256').update(Buffer.alloc(5000, 7)).digest('hex'));
    expect(blob.type).toBe('image/jpeg');
  });

  it('gives lowercase hex SHA-256', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('fits the longest side within 1600 px and never enlarges', () => {
    expect(fitWithin(4000, 3000)).toEqual({ width: 1600, height: 1200 });
    expect(fitWithin(3000, 4000)).toEqual({ width: 1200, height: 1600 });
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600 });
  });
});
