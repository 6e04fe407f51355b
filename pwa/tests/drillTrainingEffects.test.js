// Drill and training commands show their effect at once, offline, through the generic overlay.
import { describe, it, expect } from 'vitest';
import { db } from '../src/db/database.js';
import { enqueueCommand, markRejected } from '../src/sync/outbox.js';
import { recordView } from '../src/sync/overlay.js';
import { uuidv7 } from '../src/lib/uuidv7.js';

const officer = { id: 'o1', enterprise_id: 'e1' };
const W1 = '01937c4e-8a6b-7c1d-9e2f-000000000001';
const W2 = '01937c4e-8a6b-7c1d-9e2f-000000000002';
const queue = (user, type, entityId, args = {}) => enqueueCommand(user, { type, entityId, args });

describe('drill effects', () => {
  it('runs a drill offline: plan, start, tick, QR check-in, end with the missing list, evaluate', async () => {
    const id = uuidv7();
    await queue(officer, 'drill.plan', id, { type: 'evacuation', scenario: '炼钢车间起火', planned_on: '2026-11-29', expected_ids: [W1, W2, 'o1'] });
    expect(await recordView('drill', id)).toMatchObject({ status: 'planned', type: 'evacuation', _unsent: 1 });
    await queue(officer, 'drill.start', id);
    await queue(officer, 'drill.check_in', id, { method: 'tick', user_id: 'o1' });
    await queue(officer, 'drill.check_in', id, { method: 'qr', qr: `P1.${W1}.0123456789abcdef` });
    await queue(officer, 'drill.check_in', id, { method: 'tick', user_id: 'o1' });
    let drill = await recordView('drill', id);
    expect(drill.status).toBe('running');
    expect(drill.participants.map((p) => [p.user_id, p.method])).toEqual([['o1', 'tick'], [W1, 'qr']]);
    await queue(officer, 'drill.end', id);
    drill = await recordView('drill', id);
    expect(drill).toMatchObject({ status: 'ended', missing_ids: [W2] });
    expect(drill.evacuation_seconds).toBeGreaterThanOrEqual(0);
    await queue(officer, 'drill.evaluate', id, { problems: '集合慢', improvements: '增加指示牌' });
    drill = await recordView('drill', id);
    expect(drill).toMatchObject({ status: 'evaluated', evaluation: { problems: '集合慢', by: 'o1' }, _unsent: 7 });
  });

  it('undoes a rejected check-in', async () => {
    const id = uuidv7();
    await db.entities.put({ entity: 'drill', id, version: 2, data: { id, status: 'running', started_at: '2026-11-29T00:00:00Z', participants: [], expected_ids: [] } });
    const cmd = await queue(officer, 'drill.check_in', id, { method: 'qr', qr: `P1.${W1}.ffffffffffffffff` });
    expect((await recordView('drill', id)).participants).toHaveLength(1);
    await markRejected(cmd, { code: 'invalid' });
    expect((await recordView('drill', id)).participants).toHaveLength(0);
  });
});

describe('training effects', () => {
  it('schedules, ticks and scores with pass at 80', async () => {
    const id = uuidv7();
    await queue(officer, 'training.schedule', id, { kind: 'general', topic: '煤气安全', trainer: '张工', hours: 2, scheduled_at: '2026-11-29T01:00:00Z', qr_secret: 'x' });
    await queue(officer, 'training.tick', id, { user_id: W1 });
    await queue(officer, 'training.score', id, { user_id: W1, score: 60 });
    await queue(officer, 'training.score', id, { user_id: W1, score: 90 });
    const s = await recordView('training_session', id);
    expect(s).toMatchObject({ status: 'scheduled', topic: '煤气安全' });
    expect(s.attendees[0].scores.map((x) => [x.score, x.passed])).toEqual([[60, false], [90, true]]);
    await queue(officer, 'training.close', id);
    expect((await recordView('training_session', id)).status).toBe('closed');
  });

  it('shows a worker signed in to a session the phone has not pulled yet', async () => {
    const worker = { id: W1, enterprise_id: 'e1' };
    const id = uuidv7();
    await queue(worker, 'training.sign_in', id, { code: `T1.${id}.1.0123456789abcdef` });
    const s = await recordView('training_session', id);
    expect(s).toMatchObject({ _stub: true, _unsent: 1 });
    expect(s.attendees).toEqual([expect.objectContaining({ user_id: W1, method: 'qr' })]);
  });
});

describe('certificate effects', () => {
  it('shows six-yearly reviews at once when the authority extended them (令第30号 Art.21)', async () => {
    const id = uuidv7();
    await queue(officer, 'certificate.record', id, { user_id: W1, operation: '电工作业', number: 'E1', issued_on: '2024-03-01', reviews_extended: true });
    expect(await recordView('certificate', id)).toMatchObject({ review_due_on: '2030-03-01', expires_on: '2030-03-01', reviews_extended: true });
    const plain = uuidv7();
    await queue(officer, 'certificate.record', plain, { user_id: W1, operation: '焊接', number: 'P1', issued_on: '2024-03-01' });
    expect(await recordView('certificate', plain)).toMatchObject({ review_due_on: '2027-03-01', reviews_extended: false });
    await queue(officer, 'certificate.review', plain, { reviewed_on: '2027-02-01', reviews_extended: true });
    expect(await recordView('certificate', plain)).toMatchObject({ review_due_on: '2033-02-01', reviews_extended: true });
  });
});
