// Optimistic effects of user, enterprise and certificate commands (display only; the server decides).
import { registerEffects } from '../sync/effects.js';
import { todayInShanghai } from '../lib/time.js';

const USER_FIELDS = ['display_name', 'role', 'employment_type', 'job', 'phone', 'hired_on'];
const ENTERPRISE_FIELDS = ['uscc', 'name', 'industry', 'flags', 'standardisation_grade', 'address'];
const pick = (args, fields) => Object.fromEntries(fields.filter((f) => args[f] !== undefined).map((f) => [f, args[f]]));

/** YYYY-MM-DD plus whole years (29 Feb clamps to 28 Feb). */
export function addYears(date, years) {
  if (!date) return null;
  const [y, m, d] = date.split('-').map(Number);
  const day = m === 2 && d === 29 ? 28 : d;
  return `${String(y + years).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

registerEffects('user', {
  'user.create': (_, args, cmd, user) => ({
    id: cmd.entity_id,
    username: args.username,
    display_name: args.display_name,
    role: args.role,
    enterprise_id: args.enterprise_id ?? user.enterprise_id ?? null,
    employment_type: args.employment_type,
    job: args.job ?? '',
    phone: args.phone ?? '',
    hired_on: args.hired_on ?? null,
    active: true,
    history: [],
  }),
  'user.update': (u, args) => (u ? { ...u, ...pick(args, USER_FIELDS) } : null),
  'user.reset_password': (u) => u,
  'user.deactivate': (u) => (u ? { ...u, active: false } : null),
  'user.reactivate': (u) => (u ? { ...u, active: true } : null),
});

registerEffects('enterprise', {
  'enterprise.register': (_, args, cmd) => ({
    id: cmd.entity_id,
    flags: [],
    standardisation_grade: null,
    address: '',
    ledger_confirmed_on: null,
    industry: null,
    registered_on: todayInShanghai(new Date(cmd.captured_at)),
    ...pick(args, ENTERPRISE_FIELDS),
    history: [],
  }),
  'enterprise.update': (e, args) => (e ? { ...e, ...pick(args, ENTERPRISE_FIELDS) } : null),
  'enterprise.confirm_ledger': (e, _, cmd) => (e ? { ...e, ledger_confirmed_on: todayInShanghai(new Date(cmd.captured_at)) } : null),
});

registerEffects('certificate', {
  'certificate.record': (_, args, cmd, user) => ({
    id: cmd.entity_id,
    enterprise_id: user.enterprise_id ?? null,
    user_id: args.user_id,
    operation: args.operation,
    number: args.number,
    issued_on: args.issued_on,
    expires_on: args.expires_on || addYears(args.issued_on, 6),
    review_due_on: args.review_due_on || addYears(args.issued_on, args.reviews_extended ? 6 : 3),
    reviewed_on: null,
    reviews_extended: !!args.reviews_extended,
    status: 'valid',
    history: [],
  }),
  'certificate.review': (c, args) => {
    if (!c) return null;
    const extended = args.reviews_extended ?? c.reviews_extended ?? false;
    return { ...c, reviewed_on: args.reviewed_on, reviews_extended: extended, review_due_on: addYears(args.reviewed_on, extended ? 6 : 3) };
  },
  'certificate.renew': (c, args) =>
    c ? { ...c, issued_on: args.issued_on, number: args.number, expires_on: args.expires_on || addYears(args.issued_on, 6), review_due_on: addYears(args.issued_on, c.reviews_extended ? 6 : 3) } : null,
  'certificate.revoke': (c) => (c ? { ...c, status: 'revoked' } : null),
});
