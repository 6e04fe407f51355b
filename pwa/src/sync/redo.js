// Where a person fixes a rejected command: a hazard form prefilled from it (`?redo=`), else the record's screen.

// A rejected command of another record type is redone from that record's own screen.
const RECORD_SCREENS = {
  drill: (id) => `/drills/${id}`,
  training: (id) => `/trainings/${id}`,
  lockout: (id) => `/lockouts/${id}`,
  equipment: (id) => `/lockouts/equipment/${id}`,
  inspection: (id) => `/inspections/${id}`,
  user: (id) => `/people/${id}`,
  certificate: () => '/people',
  enterprise: (id) => `/enterprises/${id}/edit`,
  notification: (id) => `/inbox/${id}`,
  notice: (id) => `/notices/${id}`,
};

// A refused create is done again in its form (the rejection stays listed until discarded).
const CREATE_FORMS = {
  'drill.plan': '/drills/new',
  'training.schedule': '/trainings/new',
  'lockout.open': '/lockouts/new',
  'equipment.register': '/lockouts/equipment/new',
  'inspection.start': '/inspections/new',
  'user.create': '/people/new',
  'enterprise.register': '/enterprises/new',
  'notice.send': '/notices/new',
};

/** The route to fix `cmd` (a rejected command) and send it again as a new command. */
export function redoRoute(cmd) {
  const [area, action] = cmd.type.split('.');
  if (area === 'hazard') {
    if (action === 'report') return { path: '/hazards/new', query: { redo: cmd.id } };
    return { path: `/hazards/${cmd.entity_id}/${action}`, query: { redo: cmd.id } };
  }
  if (CREATE_FORMS[cmd.type]) return CREATE_FORMS[cmd.type];
  const screen = RECORD_SCREENS[area];
  return screen ? screen(cmd.entity_id) : '/';
}
