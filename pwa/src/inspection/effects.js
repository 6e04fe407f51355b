// Display-only guesses of inspection commands; the server's pulled version replaces them. Starting copies
// the enterprise's pulled checklist, finishing predicts the hazards' ids (UUIDv5(inspection, item)).
import { registerEffects } from '../sync/effects.js';
import { uuidv5 } from './uuidv5.js';

// Effects are synchronous; the screens remember each enterprise's pulled checklist here so a start made
// offline copies its items (the screens also merge the checklist in: see displayItems).
const knownChecklists = new Map();

/** Remember pulled checklist data (one per enterprise). */
export function rememberChecklist(checklist) {
  if (checklist?.enterprise_id) knownChecklists.set(checklist.enterprise_id, checklist);
}

/**
 * The items to show: the inspection's own copy when it has one, else the checklist's items with the
 * answers recorded so far laid over them.
 */
export function displayItems(inspection, checklist) {
  const own = inspection?.items ?? [];
  if (own.some((i) => i.text)) return own;
  const answered = new Map(own.map((i) => [i.id, i]));
  return itemsFromChecklist(checklist).map((i) => {
    const a = answered.get(i.id);
    return a ? { ...i, result: a.result, note: a.note, photos: a.photos, hazard_id: a.hazard_id ?? null } : i;
  });
}

/** Inspection items copied from a checklist entity's items, unanswered. */
export function itemsFromChecklist(checklist) {
  return (checklist?.items ?? []).map((i) => ({
    id: i.id,
    article: i.article ?? null,
    item: i.item ?? null,
    text: i.text ?? '',
    major: !!i.major,
    // Read in one published copy only: shown 待核实 (the server copies the flag too).
    verified: i.verified !== false,
    result: null,
    note: '',
    photos: [],
    hazard_id: null,
  }));
}

/** The id the server gives the hazard made from a failed item. */
export function predictedHazardId(inspectionId, itemId) {
  return uuidv5(inspectionId, String(itemId));
}

/** Inspection effects; `checklistOf(enterprise_id)` gives the pulled checklist data (or null). */
export function inspectionEffects(checklistOf = () => null) {
  return {
    'inspection.start': (_, args, cmd, user) => {
      const enterpriseId = args.enterprise_id ?? user.enterprise_id ?? null;
      return {
        id: cmd.entity_id,
        enterprise_id: enterpriseId,
        kind: args.kind,
        led_by: user.id,
        location: args.location ?? null,
        started_at: cmd.captured_at,
        finished_at: null,
        status: 'in_progress',
        items: itemsFromChecklist(checklistOf(enterpriseId)),
        quiz: null,
        summary: null,
        history: [],
        ...(args.self_check_id ? { self_check_id: args.self_check_id } : {}),
      };
    },
    'inspection.record_item': (insp, args) => {
      const answer = { result: args.result, note: args.note ?? '', photos: args.photos ?? [] };
      const items = insp.items ?? [];
      const known = items.some((i) => i.id === args.item_id);
      return {
        ...insp,
        items: known
          ? items.map((i) => (i.id === args.item_id ? { ...i, ...answer } : i))
          : [...items, { id: args.item_id, major: false, text: '', hazard_id: null, ...answer }],
      };
    },
    'inspection.record_quiz': (insp, args) => ({
      ...insp,
      quiz: { score: args.score, passed: Number(args.score) >= 80, note: args.note ?? '' },
    }),
    'inspection.finish': (insp, args, cmd) => ({
      ...insp,
      status: 'finished',
      finished_at: cmd.captured_at,
      summary: args.summary ?? '',
      items: (insp.items ?? []).map((i) => (i.result === 'fail' ? { ...i, hazard_id: i.hazard_id ?? predictedHazardId(insp.id, i.id) } : i)),
    }),
  };
}

registerEffects('inspection', inspectionEffects((id) => knownChecklists.get(id) ?? null));
