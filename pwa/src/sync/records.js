// The public API record areas use to change a document entity: queue the command (outbox, gapless seq)
// and the optimistic view shows it at once — offline or not — then the sync loop pushes it.
import { loadSession } from '../db/session.js';
import { enqueueCommand } from './outbox.js';
import { entityOfCommand } from './effects.js';
import { pruneConfirmedCommands, recordView } from './overlay.js';

/**
 * Queue `type` for `entityId` with `args` as the signed-in person (or `options.user`); resolves once the
 * command is safely in IndexedDB, with {command, view}. The engine's queued-command trigger starts a sync.
 */
export async function queueRecordCommand(type, entityId, args = {}, options = {}) {
  const user = options.user ?? (await loadSession())?.user;
  if (!user) throw new Error('not signed in');
  const command = await enqueueCommand(user, { type, entityId, args });
  pruneConfirmedCommands().catch(() => {});
  const entity = entityOfCommand(type);
  const view = entity && entity !== 'hazard' ? await recordView(entity, entityId) : null;
  return { command, view };
}
