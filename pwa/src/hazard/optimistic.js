// Show a queued hazard command at once, offline: a display-only guess of its effect that the
// server's version replaces on the next pull. The server owns the rules; nothing here decides one.

const ASSIGN_FIELDS = ['assignee_id', 'due_date', 'plan'];

// What the server's history will list for this assign: each field it changes, old → new.
const assignChanges = (before, after) =>
  ASSIGN_FIELDS.filter((f) => (before[f] ?? null) !== (after[f] ?? null)).map((f) => ({ field: f, from: before[f] ?? null, to: after[f] ?? null }));

const effects = {
  'hazard.report': (_, args, cmd, user) => ({
    id: cmd.entity_id,
    enterprise_id: user.enterprise_id ?? null,
    title: args.title,
    description: args.description ?? '',
    location: args.location ?? '',
    category: args.category ?? null,
    criterion: args.criterion ?? null,
    severity: args.severity,
    status: 'reported',
    photos: args.photos ?? [],
    reported_by: user.id,
    captured_at: cmd.captured_at,
    received_at: null,
    assignee_id: null,
    due_date: null,
    plan: null,
    rectification: null,
    verification: null,
    history: [],
  }),
  'hazard.assign': (h, args) => ({
    ...h,
    status: 'assigned',
    assignee_id: args.assignee_id,
    due_date: args.due_date,
    // Like the server: an assign without a plan keeps the one recorded before.
    plan: args.plan?.trim() ? args.plan : h.plan,
  }),
  'hazard.rectify': (h, args, cmd, user) => ({
    ...h,
    status: 'rectified',
    rectification: { note: args.note, photos: args.photos ?? [], by: user.id, at: cmd.captured_at },
  }),
  'hazard.verify': (h, args, cmd, user) => ({
    ...h,
    status: args.accepted ? 'closed' : 'assigned',
    verification: { accepted: !!args.accepted, note: args.note ?? '', by: user.id, at: cmd.captured_at },
  }),
  'hazard.dismiss': (h) => ({ ...h, status: 'dismissed' }),
};

/** Return the hazard as it will look once `command` (queued by `user`) is applied; null if unknown. */
export function applyHazardCommand(hazard, command, user) {
  const effect = effects[command.type];
  if (!effect) return hazard;
  if (!hazard && command.type !== 'hazard.report') return null;
  const next = effect(hazard, command.args ?? {}, command, user);
  const entry = { type: command.type, by: user.id, at: command.captured_at, received_at: null, pending: true };
  if (command.type === 'hazard.dismiss') entry.reason = command.args?.reason;
  if (command.type === 'hazard.assign') entry.changes = assignChanges(hazard, next);
  return { ...next, history: [...(next.history ?? []), entry] };
}

