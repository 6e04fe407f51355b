// Optimistic effects of inbox commands (display only; the pulled server version replaces these guesses).
import { registerEffects } from '../sync/effects.js';

registerEffects('notification', {
  'notification.read': (n, _, cmd) => n && { ...n, read_at: n.read_at ?? cmd.captured_at },
  'notification.acknowledge': (n, _, cmd) =>
    n && { ...n, read_at: n.read_at ?? cmd.captured_at, acknowledged_at: n.acknowledged_at ?? cmd.captured_at },
});

registerEffects('notification_settings', {
  'settings.update': (s, args, cmd) => {
    const next = { ...(s ?? { id: cmd.entity_id, push_enabled: false, opt_out: [], quiet_hours: null }) };
    for (const key of ['push_enabled', 'opt_out', 'quiet_hours']) if (key in args) next[key] = args[key];
    return next;
  },
});

registerEffects('notice', {
  'notice.send': (_, args, cmd, user) => ({
    id: cmd.entity_id,
    title: args.title,
    body: args.body,
    kind: args.kind,
    target: args.target,
    self_check_due: args.self_check_due ?? null,
    sent_by: user.id ?? null,
    sent_at: cmd.captured_at,
    fanout: { status: 'pending' },
    history: [],
  }),
});
