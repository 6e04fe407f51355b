// Who may start which inspection, who may record in one, and the tallies of a checklist. Display only.

export const KINDS = ['principal', 'self_check', 'enforcement'];
export const RESULTS = ['pass', 'fail', 'na'];
export const QUIZ_PASS = 80;

/** The inspection kinds this person may start (principal → 带队检查 and 自查, officer → 自查, bureau → 执法检查). */
export function startableKinds(user) {
  switch (user?.role) {
    case 'principal':
      return ['principal', 'self_check'];
    case 'officer':
      return ['self_check'];
    case 'bureau':
      return ['enforcement'];
    default:
      return [];
  }
}

/** Only the leader records items, the quiz and the finish, while it is in progress. */
export function canRecord(inspection, user) {
  return !!inspection && !!user && inspection.status === 'in_progress' && inspection.led_by === user.id;
}

/** The quiz is the bureau's, on enforcement inspections. */
export function canRecordQuiz(inspection, user) {
  return canRecord(inspection, user) && inspection.kind === 'enforcement' && user.role === 'bureau';
}

/** What an item answer needs before it can be queued: a note when it fails. Returns an error key or null. */
export function itemError({ result, note }) {
  if (!RESULTS.includes(result)) return 'resultRequired';
  if (result === 'fail' && !String(note ?? '').trim()) return 'noteRequired';
  return null;
}

/** Counts of pass / fail / na / open (unanswered) and failed major items. */
export function tally(items = []) {
  const t = { pass: 0, fail: 0, na: 0, open: 0, majorFail: 0, total: items.length };
  for (const i of items) {
    if (i.result in t) t[i.result]++;
    else t.open++;
    if (i.result === 'fail' && i.major) t.majorFail++;
  }
  return t;
}

/** An item's short name for messages: its article.item code, else the start of its text. */
export function itemLabel(item) {
  const code = [item.article, item.item].filter((x) => x !== null && x !== undefined && x !== '').join('.');
  return code || String(item.text ?? item.id).slice(0, 12);
}

/** The items not yet answered pass, fail or na (a finished inspection must have none). */
export function unansweredItems(items = []) {
  return items.filter((i) => !RESULTS.includes(i.result));
}

/**
 * What stops a finish, or null: every item answered first (the unanswered ones are named), then a summary.
 * Returns {key, items} with `key` an i18n key under inspection.
 */
export function finishBlocker(items, summary) {
  const open = unansweredItems(items);
  if (open.length) return { key: 'unanswered', items: open };
  if (!items.length) return { key: 'noChecklist', items: [] };
  if (!String(summary ?? '').trim()) return { key: 'summaryRequired', items: [] };
  return null;
}

/** The names of unanswered items for a message: the first `shown` codes, then 等 (and …) when more. */
export function namesOf(items, shown = 6) {
  const names = items.slice(0, shown).map(itemLabel);
  return { names, more: items.length > shown };
}

export const QUIZ_QUESTIONS = 5;

// FNV-1a of a string: the same inspection draws the same questions on every phone and after a reload.
function fnv1a(text) {
  let h = 0x811c9dc5;
  for (const ch of text) {
    h ^= ch.codePointAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * 逢查必考: the questions the bureau asks the principal, drawn from this inspection's own items — the
 * enterprise's checklist, i.e. the items of 令第10号 its industry and process flags select. Half come from
 * the industry and special articles (4–13) when there are enough, the rest from any item; stable per inspection.
 */
export function quizQuestions(inspectionId, items = [], count = QUIZ_QUESTIONS) {
  const order = (list) => [...list].sort((a, b) => fnv1a(`${inspectionId}|${a.id}`) - fnv1a(`${inspectionId}|${b.id}`));
  const specific = order(items.filter((i) => i.article >= 4 && i.article <= 13));
  const picked = specific.slice(0, Math.ceil(count / 2));
  for (const item of order(items)) {
    if (picked.length >= count) break;
    if (!picked.includes(item)) picked.push(item);
  }
  return picked;
}
