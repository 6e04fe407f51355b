// The hazard forms as data: defaults, the checks worth making before queueing (the server checks again), and args.
// Lengths and required fields come from the server's published schemas (lib/limits.js), never copied here.
import { checkArgs } from '../lib/limits.js';

const REPORT_LABELS = ['title', 'location', 'description', 'category'];

export const reportForm = {
  defaults: { title: '', description: '', location: '', severity: 'general', category: '', criterion: '', photos: [] },
  /** The labels the published limits name in messages: {field: label}. */
  labels: (t) => Object.fromEntries(REPORT_LABELS.map((f) => [f, t(`hazard.${f}`)])),
  validate(form, t) {
    return checkArgs('hazard.report', reportForm.toArgs(form), reportForm.labels(t), t) || null;
  },
  toArgs(form) {
    const args = { title: form.title.trim(), description: form.description.trim(), location: form.location.trim(), severity: form.severity, photos: [...form.photos] };
    if (form.category?.trim()) args.category = form.category.trim();
    if (form.criterion?.trim()) args.criterion = form.criterion.trim();
    return args;
  },
};

export const actionForms = {
  assign: {
    defaults: { assignee_id: '', due_date: '', plan: '' },
    validate(form, t, hazard) {
      if (!form.assignee_id) return t('action.required', { field: t('hazard.assignee') });
      if (!form.due_date) return t('action.required', { field: t('hazard.dueDate') });
      if (hazard.severity === 'major' && !form.plan.trim()) return t('action.planRequired');
      return checkArgs('hazard.assign', { plan: form.plan.trim() }, { plan: t('hazard.plan') }, t) || null;
    },
    toArgs: (form) => ({ assignee_id: form.assignee_id, due_date: form.due_date, plan: form.plan.trim() }),
  },
  rectify: {
    defaults: { note: '', photos: [] },
    validate(form, t) {
      if (!form.note.trim()) return t('action.required', { field: t('hazard.note') });
      if (!form.photos.length) return t('action.needPhoto');
      return null;
    },
    toArgs: (form) => ({ note: form.note.trim(), photos: [...form.photos] }),
  },
  verify: {
    defaults: { accepted: true, note: '' },
    validate: (form, t) => (!form.accepted && !form.note.trim() ? t('action.noteRequired') : null),
    toArgs: (form) => ({ accepted: !!form.accepted, note: form.note.trim() }),
  },
  dismiss: {
    defaults: { reason: '' },
    validate: (form, t) => (!form.reason.trim() ? t('action.required', { field: t('action.reason') }) : null),
    toArgs: (form) => ({ reason: form.reason.trim() }),
  },
};
