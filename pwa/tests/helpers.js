// Shared test helpers: sign a user in against the fake server and queue commands as the UI would.
import { vi } from 'vitest';
import { createFakeServer } from './fakeServer.js';
import { login } from '../src/sync/auth.js';

/** Start a fake server, route fetch to it and sign `username` in; returns {server, user}. */
export async function signedIn(username = 'worker-a1', server = createFakeServer()) {
  vi.stubGlobal('fetch', server.fetch);
  const user = await login(username, 'demo1234');
  return { server, user };
}

/** Arguments of a valid hazard.report. */
export function reportArgs(extra = {}) {
  return { title: '钢包区积水', description: '喷溅区有积水', location: '炼钢车间', severity: 'major', photos: [], ...extra };
}
