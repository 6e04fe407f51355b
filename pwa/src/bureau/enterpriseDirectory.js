// The enterprises a screen can name or pick: an enterprise person's pulled `enterprise` rows, a bureau's pulled
// `enterprise_summary` rows (only its region's: the server sends no other). One list, whoever is signed in.
import { db } from '../db/database.js';
import { useLiveQuery } from '../composables/useLiveQuery.js';

/** Every enterprise known on this phone, {id, name, uscc, …}, an `enterprise` row winning over a summary. */
export async function knownEnterprises() {
  const [enterprises, summaries] = await Promise.all([db.enterprises.toArray(), db.summaries.toArray()]);
  const byId = new Map(summaries.map((s) => [s.id, s]));
  for (const e of enterprises) byId.set(e.id, e);
  return [...byId.values()];
}

/** One enterprise known on this phone by id, or undefined. */
export async function knownEnterprise(id) {
  if (!id) return undefined;
  return (await db.enterprises.get(id)) ?? (await db.summaries.get(id));
}

/** The enterprises known on this phone as a live ref of an array, sorted by name. */
export function useEnterpriseDirectory() {
  return useLiveQuery(async () => (await knownEnterprises()).sort((a, b) => String(a.name).localeCompare(String(b.name), 'zh-CN')), []);
}
