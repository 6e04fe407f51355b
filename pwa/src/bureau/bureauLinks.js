// Links written for enterprise phones (/hazards/<id>, in reminders and pushes) opened on a bureau's phone: the
// bureau holds no hazards, so the link becomes the enterprise's record read online, found from the summaries.
import { db } from '../db/database.js';

const HAZARD = /^\/hazards\/([^/?#]+)$/;

/** The enterprise a hazard belongs to, from the pulled summaries that list it (major hazards, late entries). */
export function enterpriseOfHazard(summaries, hazardId) {
  const lists = (s) => [...(s.due?.major_hazards ?? []), ...(s.due?.late_entries ?? []).filter((r) => r.entity === 'hazard')];
  return summaries.find((s) => lists(s).some((h) => h.id === hazardId))?.id ?? null;
}

/** The bureau's route for an app path: a hazard of its region read online, else the path unchanged. */
export async function bureauRoute(path) {
  const match = HAZARD.exec(path ?? '');
  if (!match) return path;
  const enterpriseId = enterpriseOfHazard(await db.summaries.toArray(), match[1]);
  return enterpriseId ? `/bureau/${enterpriseId}/records/hazard/${match[1]}` : path;
}
