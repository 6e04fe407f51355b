// A history entry's `changes` ([{field, from, to}], sent by the server for hazard.assign) as readable lines.

// Which label names each tracked field, and how its value reads (a person's name for an id).
const FIELDS = {
  assignee_id: { label: 'hazard.assignee', person: true },
  due_date: { label: 'hazard.dueDate' },
  plan: { label: 'hazard.plan' },
};

/** Return one line per change, e.g. "整改责任人：张三 → 李四"; unknown fields are shown by name. */
export function describeChanges(entry, t, userName) {
  const shown = (field, value) => {
    if (value == null || value === '') return t('history.none');
    return FIELDS[field]?.person ? userName(value) : String(value);
  };
  return (entry?.changes ?? []).map(({ field, from, to }) =>
    t('history.change', {
      field: FIELDS[field] ? t(FIELDS[field].label) : field,
      from: shown(field, from),
      to: shown(field, to),
    }),
  );
}
