// Test setup: a fresh fake IndexedDB database and no leftover fetch stub before every test.
import 'fake-indexeddb/auto';
import { beforeEach, afterEach, vi } from 'vitest';
import { db } from '../src/db/database.js';

beforeEach(async () => {
  db.close();
  await db.delete();
  await db.open();
});

afterEach(() => {
  vi.unstubAllGlobals();
});
