// Optimistic effects of training commands (display only; the server decides and its version replaces these).
import { registerEffects } from '../sync/effects.js';
import { PASS_SCORE } from './kinds.js';

function addAttendee(s, userId, method, cmd, user) {
  if ((s.attendees ?? []).some((a) => a.user_id === userId)) return s;
  return { ...s, attendees: [...(s.attendees ?? []), { user_id: userId, at: cmd.captured_at, method, by: user.id, scores: [] }] };
}

registerEffects('training_session', {
  'training.schedule': (_, args, cmd, user) => ({
    id: cmd.entity_id,
    enterprise_id: user.enterprise_id ?? null,
    kind: args.kind,
    topic: args.topic,
    trainer: args.trainer,
    hours: args.hours,
    scheduled_at: args.scheduled_at,
    location: args.location ?? '',
    invitee_ids: args.invitee_ids ?? [],
    status: 'scheduled',
    attendees: [],
    history: [],
  }),
  // A worker may sign in to a session this phone has not pulled yet: a stub shows "signed in, to sync".
  'training.sign_in': (s, _, cmd, user) =>
    addAttendee(s ?? { id: cmd.entity_id, enterprise_id: user.enterprise_id ?? null, status: 'scheduled', attendees: [], invitee_ids: [], history: [], _stub: true }, user.id, 'qr', cmd, user),
  'training.tick': (s, args, cmd, user) => s && addAttendee(s, args.user_id, 'tick', cmd, user),
  'training.score': (s, args, cmd, user) =>
    s && {
      ...s,
      attendees: (s.attendees ?? []).map((a) =>
        a.user_id === args.user_id
          ? { ...a, scores: [...(a.scores ?? []), { score: args.score, passed: args.score >= PASS_SCORE, at: cmd.captured_at, by: user.id }] }
          : a,
      ),
    },
  'training.close': (s) => s && { ...s, status: 'closed' },
  'training.cancel': (s) => s && { ...s, status: 'cancelled' },
});
