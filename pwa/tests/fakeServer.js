// An in-memory server speaking protocol.md (auth, push, pull, blobs) for the sync client tests.
import { createHash } from 'node:crypto';

const json = (status, body) =>
  new Response(body == null ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const err = (status, code, extra = {}) => json(status, { code, message: code, ...extra });

const nextStatus = { 'hazard.assign': 'assigned', 'hazard.rectify': 'rectified', 'hazard.dismiss': 'dismissed' };

export function createFakeServer() {
  const s = {
    users: { u1: { id: 'u1', username: 'worker-a1', role: 'worker', enterprise_id: 'e1' }, u2: { id: 'u2', username: 'officer-a', role: 'officer', enterprise_id: 'e1' }, u9: { id: 'u9', username: 'bureau', role: 'bureau', enterprise_id: null, region_code: '141122' } },
    access: new Map(), // token -> {userId, expired}
    refresh: new Map(), // token -> {userId, spent}
    clients: new Map(), // client_id -> {owner, last_seq, outcomes: Map(seq -> {id, outcome})}
    entities: new Map(), // "entity:id" -> {entity, id, version, deleted, data}
    log: [], // change log of "entity:id" keys
    blobs: new Map(),
    calls: [],
    pushed: [], // every command received by push, in order
    pageSize: 500,
    resetNext: false,
    failAfterPushCommit: false,
    tokenCounter: 0,
  };

  s.issueTokens = (userId) => {
    const a = `access-${++s.tokenCounter}`;
    const r = `refresh-${s.tokenCounter}`;
    s.access.set(a, { userId, expired: false });
    s.refresh.set(r, { userId, spent: false });
    return { access_token: a, refresh_token: r };
  };
  s.expireAllAccess = () => s.access.forEach((t) => (t.expired = true));

  s.putEntity = (entity, id, data, { deleted = false } = {}) => {
    const key = `${entity}:${id}`;
    const prev = s.entities.get(key);
    const row = { entity, id, version: (prev?.version ?? 0) + 1, deleted, data };
    s.entities.set(key, row);
    s.log.push(key);
    return row;
  };

  function decide(userId, cmd) {
    const user = s.users[userId];
    const key = `hazard:${cmd.entity_id}`;
    const current = s.entities.get(key);
    if (cmd.type === 'hazard.report') {
      if (current) return { status: 'rejected', code: 'conflict' };
      if (!cmd.args.title) return { status: 'rejected', code: 'invalid', fields: { title: ['required'] } };
      const data = { id: cmd.entity_id, enterprise_id: user.enterprise_id, ...cmd.args, status: 'reported', reported_by: userId, captured_at: cmd.captured_at, history: [{ type: cmd.type, by: userId, at: cmd.captured_at }] };
      return { status: 'applied', row: s.putEntity('hazard', cmd.entity_id, data) };
    }
    if (!nextStatus[cmd.type] && cmd.type !== 'hazard.verify') return { status: 'rejected', code: 'unknown_type' };
    if (!current) return { status: 'rejected', code: 'not_found' };
    if (['hazard.assign', 'hazard.verify', 'hazard.dismiss'].includes(cmd.type) && user.role === 'worker') return { status: 'rejected', code: 'forbidden' };
    const status = cmd.type === 'hazard.verify' ? (cmd.args.accepted ? 'closed' : 'assigned') : nextStatus[cmd.type];
    const data = { ...current.data, ...cmd.args, status, history: [...current.data.history, { type: cmd.type, by: userId, at: cmd.captured_at }] };
    return { status: 'applied', row: s.putEntity('hazard', cmd.entity_id, data) };
  }

  function push(userId, body) {
    let client = s.clients.get(body.client_id);
    if (client && client.owner !== userId) return err(409, 'client_owned_by_other_user');
    if (!client) s.clients.set(body.client_id, (client = { owner: userId, last_seq: 0, outcomes: new Map() }));
    const first = body.commands[0];
    if (first) {
      const stored = client.outcomes.get(first.seq);
      if (stored && stored.id !== first.id) return err(409, 'seq_mismatch');
      if (first.seq > client.last_seq + 1) return err(409, 'seq_gap', { expected: client.last_seq + 1 });
    }
    const outcomes = [];
    let blocked = null;
    for (const cmd of body.commands) {
      s.pushed.push(cmd);
      const stored = client.outcomes.get(cmd.seq);
      if (stored) {
        outcomes.push({ ...stored.outcome, replayed: true });
        continue;
      }
      const missing = (cmd.args.photos ?? []).filter((sha) => !s.blobs.has(sha));
      if (missing.length) {
        blocked = { seq: cmd.seq, code: 'blob_missing', missing };
        break;
      }
      const d = decide(userId, cmd);
      const outcome = d.status === 'applied'
        ? { seq: cmd.seq, id: cmd.id, status: 'applied', entity_id: cmd.entity_id, version: d.row.version }
        : { seq: cmd.seq, id: cmd.id, status: 'rejected', code: d.code, message: `rejected: ${d.code}`, ...(d.fields ? { fields: d.fields } : {}) };
      client.outcomes.set(cmd.seq, { id: cmd.id, outcome });
      client.last_seq = cmd.seq;
      outcomes.push(outcome);
    }
    if (s.failAfterPushCommit) {
      s.failAfterPushCommit = false;
      throw new TypeError('connection reset after commit');
    }
    return json(200, { last_seq: client.last_seq, outcomes, blocked });
  }

  function pull(userId, params) {
    if (s.resetNext) {
      s.resetNext = false;
      return err(410, 'reset_required');
    }
    const clientId = params.get('client_id');
    const client = clientId ? s.clients.get(clientId) : null;
    if (client && client.owner !== userId) return err(409, 'client_owned_by_other_user');
    let pos = Number(params.get('cursor') ?? 0);
    const limit = Math.min(Number(params.get('limit') ?? 500), s.pageSize);
    const changes = [];
    while (pos < s.log.length && changes.length < limit) {
      const key = s.log[pos++];
      if (s.log.indexOf(key, pos) !== -1) continue; // a later entry carries the newer state
      const row = s.entities.get(key);
      changes.push({ entity: row.entity, id: row.id, version: row.version, deleted: row.deleted, data: row.data });
    }
    return json(200, { changes, cursor: String(pos), more: pos < s.log.length, last_seq: clientId ? (client?.last_seq ?? 0) : null });
  }

  async function blobs(method, sha, init) {
    if (method === 'HEAD') return new Response(null, { status: s.blobs.has(sha) ? 200 : 404 });
    if (method === 'PUT') {
      const bytes = Buffer.from(await init.body.arrayBuffer());
      if (createHash('sha256').update(bytes).digest('hex') !== sha) return err(400, 'hash_mismatch');
      const existed = s.blobs.has(sha);
      s.blobs.set(sha, bytes);
      return new Response(null, { status: existed ? 200 : 201 });
    }
    return s.blobs.has(sha) ? new Response(s.blobs.get(sha), { status: 200 }) : err(404, 'not_found');
  }

  // The bureau's online reads: records by enterprise (in its region) and entity, newest first; cursor = offset.
  s.bureauRecords = new Map(); // enterprise_id -> [{entity, id, data}]
  function bureauRecords(pathname, params) {
    const [, enterpriseId, entity, id] = pathname.match(/^\/api\/v1\/bureau\/enterprises\/([^/]+)\/records(?:\/([^/]+)\/([^/]+))?$/) ?? [];
    const records = s.bureauRecords.get(enterpriseId);
    if (!records) return err(404, 'not_found');
    if (id) {
      const found = records.find((r) => r.entity === entity && r.id === id);
      return found ? json(200, found) : err(404, 'not_found');
    }
    const of = records.filter((r) => r.entity === params.get('entity'));
    const start = Number(params.get('cursor') ?? 0);
    const end = start + Number(params.get('limit') ?? 50);
    return json(200, { records: of.slice(start, end), next_cursor: end < of.length ? String(end) : null });
  }

  s.fetch = async (url, init = {}) => {
    if (s.offline) throw new TypeError('Failed to fetch');
    const u = new URL(url, 'http://pwa.test');
    const method = init.method ?? 'GET';
    const headers = init.headers ?? {};
    const auth = headers.Authorization ?? headers.authorization ?? '';
    const token = auth.replace(/^Bearer /, '');
    s.calls.push({ method, path: u.pathname, token });
    if (u.pathname === '/api/v1/auth/login') {
      const { username, password } = JSON.parse(init.body);
      const user = Object.values(s.users).find((x) => x.username === username);
      if (!user || password !== 'demo1234') return err(401, 'bad_credentials');
      return json(200, { ...s.issueTokens(user.id), user });
    }
    if (u.pathname === '/api/v1/auth/refresh') {
      const r = s.refresh.get(token);
      if (!r || r.spent) return err(401, 'unauthorized');
      r.spent = true;
      return json(200, s.issueTokens(r.userId));
    }
    const a = s.access.get(token);
    if (!a) return err(401, 'unauthorized');
    if (a.expired) return err(401, 'token_expired');
    if (u.pathname === '/api/v1/sync/push') return push(a.userId, JSON.parse(init.body));
    if (u.pathname === '/api/v1/sync/pull') return pull(a.userId, u.searchParams);
    if (u.pathname.startsWith('/api/v1/blobs/')) return blobs(method, u.pathname.split('/').pop(), init);
    if (u.pathname.startsWith('/api/v1/bureau/enterprises/')) return bureauRecords(u.pathname, u.searchParams);
    if (u.pathname === '/api/v1/auth/logout') return new Response(null, { status: 204 });
    if (u.pathname === '/api/v1/push/subscriptions' && method === 'DELETE') {
      s.forgottenEndpoints = [...(s.forgottenEndpoints ?? []), JSON.parse(init.body).endpoint];
      return new Response(null, { status: 204 });
    }
    return err(404, 'not_found');
  };
  s.count = (path, method) => s.calls.filter((c) => c.path === path && (!method || c.method === method)).length;
  return s;
}
