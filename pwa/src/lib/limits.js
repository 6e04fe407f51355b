// The forms' limits, read from the server's published command schemas (src/generated/limits.json, written by
// `flask pwa-limits` from the OpenAPI `args.*` components; never edit it by hand), so the common rejections
// cannot happen: a form stops a missing or too long field before anything is queued.
//
// Usage in a form page (hazard report shown; any command type or 'auth.login' works):
//   import { formFields } from '../lib/limits.js';
//   const { t } = useI18n();
//   const fields = formFields('hazard.report', { title: t('hazard.title'), description: t('hazard.description') }, t);
//   <van-form @submit="onSubmit"> <van-field v-model="form.title" name="title" v-bind="fields.title" /> …
// `fields.<name>` holds Vant props: maxlength, showWordLimit (long texts), required, rules (Chinese messages).
// `limitsFor(type)` gives the raw {field: {maxLength, minLength, required, enum, pattern, …}};
// `checkArgs(type, args, labels, t)` returns the first problem as text (for forms without van-form rules).
import LIMITS from '../generated/limits.json';

// A word counter helps on long texts (notes, descriptions); titles, names and passwords stay quiet.
const WORD_LIMIT_FROM = 500;

/** The published limits of a command type's (or form's) fields: {field: {maxLength, required, enum, …}}. */
export function limitsFor(type) {
  const limits = LIMITS[type];
  if (!limits) throw new Error(`no published limits for ${type}`);
  return limits;
}

/** Whether a field must hold something: the server needs the key and refuses it empty. */
export function mustFill(limit) {
  if (!limit?.required) return false;
  return limit.type !== 'string' || (limit.minLength ?? 0) >= 1 || !!limit.enum;
}

const length = (value) => [...String(value ?? '')].length;
const isEmpty = (value) => value == null || (typeof value === 'string' && !value.trim()) || (Array.isArray(value) && !value.length);

/** The first problem with one value against its limit, as a Chinese (or current-locale) sentence; '' when fine. */
export function checkValue(limit, value, label, t) {
  if (!limit) return '';
  if (isEmpty(value)) return mustFill(limit) ? t('limits.required', { label }) : '';
  if (limit.type === 'string' && typeof value === 'string') {
    if (limit.maxLength != null && length(value) > limit.maxLength) return t('limits.tooLong', { label, max: limit.maxLength });
    if (limit.minLength != null && length(value.trim()) < limit.minLength) return t('limits.tooShort', { label, min: limit.minLength });
    if (limit.enum && !limit.enum.includes(value)) return t('limits.choose', { label });
    if (limit.pattern && !new RegExp(limit.pattern).test(value)) return t('limits.format', { label });
  }
  if (Array.isArray(value) && limit.maxItems != null && value.length > limit.maxItems) return t('limits.tooMany', { label, max: limit.maxItems });
  return '';
}

/** Vant field props for one field of `type`: maxlength, showWordLimit, required and rules with messages. */
export function fieldProps(type, field, label, t) {
  const limit = limitsFor(type)[field];
  if (!limit) throw new Error(`${type} publishes no field ${field}`);
  const props = { required: mustFill(limit), rules: [{ validator: (value) => checkValue(limit, value, label, t) || true }] };
  if (limit.maxLength != null) {
    props.maxlength = limit.maxLength;
    props.showWordLimit = limit.maxLength >= WORD_LIMIT_FROM;
  }
  return props;
}

/** fieldProps for every field named in `labels` ({field: label}): `v-bind="fields.title"` on each van-field. */
export function formFields(type, labels, t) {
  return Object.fromEntries(Object.entries(labels).map(([field, label]) => [field, fieldProps(type, field, label, t)]));
}

/** The first problem of `args` for the fields named in `labels`, or '' (for forms that validate on submit). */
export function checkArgs(type, args, labels, t) {
  const limits = limitsFor(type);
  for (const [field, label] of Object.entries(labels)) {
    const problem = checkValue(limits[field], args?.[field], label, t);
    if (problem) return problem;
  }
  return '';
}
