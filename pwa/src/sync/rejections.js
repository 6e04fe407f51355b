// A rejected command stays on its record: views carry `_rejected` (newest first), and a record the server
// never accepted (its create was rejected) is kept as a local copy marked `_rejectedOnly`, so the person
// sees it where they look — list and detail — with the reason, and can fix and resend it or discard it.
import { db } from '../db/database.js';
import { applyHazardCommand } from '../hazard/optimistic.js';
import { applyRecordCommand, entityOfCommand } from './effects.js';

const newestFirst = (a, b) => String(b.rejected_at ?? '').localeCompare(String(a.rejected_at ?? ''));

/** Rejected commands grouped by the record they meant to change, newest first: Map(entity_id → [rejected]). */
export function rejectionsByRecord(rejected, entity = null) {
  const byId = new Map();
  for (const cmd of [...rejected].sort(newestFirst)) {
    if (entity && entityOfCommand(cmd.type) !== entity) continue;
    byId.set(cmd.entity_id, [...(byId.get(cmd.entity_id) ?? []), cmd]);
  }
  return byId;
}

/** A record as its rejected create would have made it, for a record the server does not have; or null. */
function localOnlyView(cmds, apply) {
  let view = null;
  for (const cmd of [...cmds].reverse()) view ??= apply(null, cmd);
  // Its history would only list the refused create as pending: nothing happened to it on the server.
  return view ? { ...view, id: cmds[0].entity_id, history: [], _rejectedOnly: true, _rejected: cmds, _unsent: 0, _pending: 0 } : null;
}

/** `views` with each one's rejections attached, plus (unless `localOnly` is false) copies of rejected creates. */
export function withRejections(views, rejected, apply, entity = null, localOnly = true) {
  const byId = rejectionsByRecord(rejected, entity);
  const out = views.map((v) => (v && byId.has(v.id) ? { ...v, _rejected: byId.get(v.id) } : v));
  const shown = new Set(views.map((v) => v?.id));
  for (const [id, cmds] of byId) {
    if (shown.has(id) || !localOnly) continue;
    const view = localOnlyView(cmds, apply);
    if (view) out.push(view);
  }
  return out;
}

const applyHazard = (view, cmd) => applyHazardCommand(view, cmd, cmd.user ?? {});
const applyRecord = (view, cmd) => applyRecordCommand(view, cmd, cmd.user ?? {});
const isHazard = (cmd) => cmd.type.startsWith('hazard.');

/** Every hazard as the person should see it, rejected reports included (read inside a liveQuery). */
export async function hazardsWithRejections() {
  const [hazards, rejected] = await Promise.all([db.hazards.toArray(), db.rejected.toArray()]);
  return withRejections(hazards, rejected.filter(isHazard), applyHazard);
}

/** One hazard as the person should see it, or a rejected report kept on this phone; undefined when neither. */
export async function hazardWithRejections(id) {
  if (!id) return undefined;
  const [hazard, rejected] = await Promise.all([db.hazards.get(id), db.rejected.where('entity_id').equals(id).toArray()]);
  return withRejections(hazard ? [hazard] : [], rejected.filter(isHazard), applyHazard)[0];
}

/** Record views of `entity` with their rejections attached; with `localOnly`, rejected creates as local copies. */
export async function recordsWithRejections(entity, views, localOnly = false) {
  const rejected = await db.rejected.toArray();
  return withRejections(views, rejected, applyRecord, entity, localOnly);
}

/** One record view (or null) with its rejections; with `localOnly`, a rejected create shows as a local copy. */
export async function recordWithRejections(entity, id, view, localOnly = false) {
  if (!id) return view;
  const rejected = await db.rejected.where('entity_id').equals(id).toArray();
  return withRejections(view ? [view] : [], rejected, applyRecord, entity, localOnly)[0] ?? null;
}

/** Field labels the reason may name, beyond the hazard's own (`hazard.<field>`). */
function fieldLabel(field, t, te) {
  for (const key of [`hazard.${field}`, `sync.field.${field}`]) {
    if (te(key)) {
      const label = t(key);
      if (typeof label === 'string' && label !== key) return label;
    }
  }
  return '';
}

/** What the person reads about a rejection: {summary, details[]} in the UI language, from the server's words. */
export function rejectionText(rejection, t, te) {
  const codeLabel = te(`sync.code.${rejection.code}`) ? t(`sync.code.${rejection.code}`) : t('sync.code.rejected');
  const summary = rejection.message ? rejection.message : codeLabel;
  const details = [];
  for (const [field, messages] of Object.entries(rejection.fields ?? {})) {
    const label = fieldLabel(field, t, te);
    const text = [].concat(messages).join('；');
    details.push(label ? `${label}：${text}` : text);
  }
  return { summary, details };
}
