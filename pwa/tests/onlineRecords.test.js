// The bureau reads records online page by page and keeps what it opened: offline it shows that, with its time.
import { describe, it, expect, vi } from 'vitest';
import { db } from '../src/db/database.js';
import { fetchRecord, fetchRecordPage, readOnlineOrSaved, savedRecord, savedRecordList, NotInRegionError, PAGE_SIZE } from '../src/bureau/onlineRecords.js';
import { useOnlineList } from '../src/bureau/useOnlineList.js';
import { signedIn } from './helpers.js';

const hid = (i) => `h${String(i).padStart(3, '0')}`;
const hazard = (i, enterprise_id = 'A') => ({ entity: 'hazard', id: hid(i), data: { id: hid(i), enterprise_id, title: `隐患${i}`, status: 'reported', severity: i % 2 ? 'major' : 'general' } });
const at = (iso) => () => iso;

async function bureauWith(count) {
  const { server } = await signedIn('bureau');
  server.bureauRecords.set('A', Array.from({ length: count }, (_, i) => hazard(count - i)));
  return server;
}

describe('online records', () => {
  it('reads a page, keeps it, adds the next page to the saved list, and keeps every record it brought', async () => {
    const server = await bureauWith(PAGE_SIZE + 5);
    const first = await fetchRecordPage('A', 'hazard', null, at('2026-12-07T01:00:00Z'));
    expect(first.records).toHaveLength(PAGE_SIZE);
    expect(first.next_cursor).toBe(String(PAGE_SIZE));
    const second = await fetchRecordPage('A', 'hazard', first.next_cursor, at('2026-12-07T01:05:00Z'));
    expect(second).toMatchObject({ next_cursor: null });
    expect(second.records).toHaveLength(5);
    const saved = await savedRecordList('A', 'hazard');
    expect(saved.records.map((r) => r.title)).toEqual(server.bureauRecords.get('A').map((r) => r.data.title));
    expect(saved.fetched_at).toBe('2026-12-07T01:05:00Z');
    expect(await db.onlineRecords.where('enterprise_id').equals('A').count()).toBe(PAGE_SIZE + 5);
    // A fresh first page starts the saved list again (newest first), the records stay.
    await fetchRecordPage('A', 'hazard', null, at('2026-12-07T02:00:00Z'));
    expect((await savedRecordList('A', 'hazard')).records).toHaveLength(PAGE_SIZE);
    expect(server.calls.filter((c) => c.path.startsWith('/api/v1/bureau/')).every((c) => c.token)).toBe(true);
  });

  it('offline, shows what was opened online with the time it was read; nothing saved says so', async () => {
    const server = await bureauWith(3);
    await fetchRecordPage('A', 'hazard', null, at('2026-12-07T01:00:00Z'));
    const opened = await fetchRecord('A', 'hazard', 'h002', at('2026-12-07T01:02:00Z'));
    expect(opened.record.title).toBe('隐患2');
    server.offline = true;
    const list = await readOnlineOrSaved(() => fetchRecordPage('A', 'hazard'), () => savedRecordList('A', 'hazard'));
    expect(list).toMatchObject({ source: 'saved', error: 'offline', fetched_at: '2026-12-07T01:00:00Z' });
    expect(list.value.records.map((r) => r.id)).toEqual(['h003', 'h002', 'h001']);
    const one = await readOnlineOrSaved(() => fetchRecord('A', 'hazard', 'h002'), () => savedRecord('A', 'hazard', 'h002'));
    expect(one).toMatchObject({ source: 'saved', error: 'offline', fetched_at: '2026-12-07T01:02:00Z', value: { record: { title: '隐患2' } } });
    const drills = await readOnlineOrSaved(() => fetchRecordPage('A', 'drill'), () => savedRecordList('A', 'drill'));
    expect(drills).toEqual({ source: 'none', value: null, fetched_at: null, error: 'offline' });
    // A saved record is shown only under the enterprise it was read for.
    expect(await savedRecord('B', 'hazard', 'h002')).toBeNull();
  });

  it('an enterprise outside the region is a 404: not in the region, never a saved copy, nothing stored', async () => {
    await bureauWith(1);
    await expect(fetchRecordPage('W', 'hazard')).rejects.toBeInstanceOf(NotInRegionError);
    await expect(readOnlineOrSaved(() => fetchRecord('W', 'hazard', 'x'), () => savedRecord('W', 'hazard', 'x'))).rejects.toBeInstanceOf(NotInRegionError);
    expect(await db.onlineRecords.count()).toBe(0);
    expect(await db.onlineLists.count()).toBe(0);
  });

  it('a server error falls back to the saved copy and says it failed, not that the phone is offline', async () => {
    const server = await bureauWith(2);
    await fetchRecordPage('A', 'hazard');
    const realFetch = server.fetch;
    const failing = async (url, init) => (String(url).includes('/bureau/') ? new Response('{"code":"internal"}', { status: 500 }) : realFetch(url, init));
    vi.stubGlobal('fetch', failing);
    const got = await readOnlineOrSaved(() => fetchRecordPage('A', 'hazard'), () => savedRecordList('A', 'hazard'));
    expect(got).toMatchObject({ source: 'saved', error: 'failed' });
    expect(got.value.records).toHaveLength(2);
  });

  it('the list van-list reads loads page after page online, and offline the pages opened before', async () => {
    const server = await bureauWith(PAGE_SIZE + 1);
    const online = useOnlineList(() => 'A', 'hazard');
    await online.load();
    expect(online.state).toMatchObject({ source: 'online', finished: false, error: null });
    await online.load();
    expect(online.state.records).toHaveLength(PAGE_SIZE + 1);
    expect(online.state.finished).toBe(true);

    server.offline = true;
    const offline = useOnlineList(() => 'A', 'hazard');
    await offline.load();
    expect(offline.state).toMatchObject({ source: 'saved', error: 'offline', finished: true });
    expect(offline.state.records).toHaveLength(PAGE_SIZE + 1);
    const never = useOnlineList(() => 'A', 'lockout');
    await never.load();
    expect(never.state).toMatchObject({ source: 'none', error: 'offline', finished: true, records: [] });
  });

  it('going offline between pages keeps the pages shown and stops asking for more', async () => {
    const server = await bureauWith(PAGE_SIZE + 1);
    const list = useOnlineList(() => 'A', 'hazard');
    await list.load();
    server.offline = true;
    await list.load();
    expect(list.state).toMatchObject({ error: 'offline', finished: true });
    expect(list.state.records).toHaveLength(PAGE_SIZE);
  });
});
