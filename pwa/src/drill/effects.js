// Optimistic effects of drill commands (display only; the server decides and its version replaces these).
import { registerEffects } from '../sync/effects.js';
import { parseBadge } from '../people/badge.js';

const seconds = (from, to) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

registerEffects('drill', {
  'drill.plan': (_, args, cmd, user) => ({
    id: cmd.entity_id,
    enterprise_id: user.enterprise_id ?? null,
    type: args.type,
    scenario: args.scenario ?? '',
    planned_on: args.planned_on,
    status: 'planned',
    started_at: null,
    ended_at: null,
    expected_ids: args.expected_ids ?? [],
    participants: [],
    missing_ids: [],
    evacuation_seconds: null,
    photos: [],
    evaluation: null,
    cancel_reason: null,
    history: [],
  }),
  'drill.start': (d, _, cmd) => d && { ...d, status: 'running', started_at: cmd.captured_at },
  'drill.check_in': (d, args, cmd, user) => {
    if (!d) return null;
    const userId = args.method === 'qr' ? parseBadge(args.qr)?.userId : args.user_id;
    if (!userId || (d.participants ?? []).some((p) => p.user_id === userId)) return d;
    return { ...d, participants: [...(d.participants ?? []), { user_id: userId, at: cmd.captured_at, method: args.method, by: user.id }] };
  },
  'drill.end': (d, _, cmd) => {
    if (!d) return null;
    const present = new Set((d.participants ?? []).map((p) => p.user_id));
    const last = (d.participants ?? []).map((p) => p.at).sort().pop();
    return {
      ...d,
      status: 'ended',
      ended_at: cmd.captured_at,
      missing_ids: (d.expected_ids ?? []).filter((id) => !present.has(id)),
      evacuation_seconds: d.started_at ? seconds(d.started_at, last ?? cmd.captured_at) : null,
    };
  },
  'drill.add_photos': (d, args) => d && { ...d, photos: [...new Set([...(d.photos ?? []), ...(args.photos ?? [])])] },
  'drill.evaluate': (d, args, cmd, user) =>
    d && { ...d, status: 'evaluated', evaluation: { problems: args.problems, improvements: args.improvements, by: user.id, at: cmd.captured_at } },
  'drill.cancel': (d, args) => d && { ...d, status: 'cancelled', cancel_reason: args.reason },
});
