// Display-only guesses of inspection commands; the server's pulled version replaces them. Starting copies
// the enterprise's pulled checklist, finishing predicts the hazards' ids (UUIDv5(inspection, item)).
import { uuidv5 } from './uuidv5.js';

/** Inspection items copied from a checklist entity's items, unanswered. */
export function itemsFromChecklist(checklist) {
  return (checklist?.items ?? []).map((i) => ({
    id: i.id,
    article: i.article ?? null,
    item: i.item ?? null,
    text: i.text ?? '',
    major: !!i.major,
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
      };
    },
    'inspection.record_item': (insp, args) => ({
      ...insp,
      items: (insp.items ?? []).map((i) =>
        i.id === args.item_id ? { ...i, result: args.result, note: args.note ?? '', photos: args.photos ?? [] } : i,
      ),
    }),
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
