// Which hazard actions to offer a person. Display only: the server decides and may still reject.
const MANAGERS = ['officer', 'principal'];

const actionRules = {
  assign: (h, u) => MANAGERS.includes(u.role) && ['reported', 'assigned'].includes(h.status),
  rectify: (h, u) =>
    (h.status === 'assigned' && (h.assignee_id === u.id || u.role === 'officer')) ||
    (h.status === 'reported' && h.severity === 'general' && (h.reported_by === u.id || u.role === 'officer')),
  verify: (h, u) => MANAGERS.includes(u.role) && h.status === 'rectified' && h.rectification?.by !== u.id,
  dismiss: (h, u) => MANAGERS.includes(u.role) && h.status === 'reported',
};

export const HAZARD_ACTIONS = Object.keys(actionRules);

/** The actions (assign, rectify, verify, dismiss) `user` may be offered on `hazard`. */
export function availableActions(hazard, user) {
  if (!hazard || !user) return [];
  return HAZARD_ACTIONS.filter((a) => actionRules[a](hazard, user));
}

/** Whether this user may report hazards at all (the bureau only reads). */
export function canReport(user) {
  return !!user && user.role !== 'bureau' && !!user.enterprise_id;
}
