// Choices of the people and enterprise forms (values as in docs/commands.md and domain.md).
export const ROLES = ['worker', 'officer', 'principal'];
export const EMPLOYMENT_TYPES = ['own', 'contractor', 'dispatched', 'flexible'];
export const ENTERPRISE_FLAGS = [
  'metal_smelting', 'nonferrous', 'dust_explosion', 'ammonia_refrigeration', 'gas',
  'confined_space', 'labour_intensive', 'factory_in_factory', 'above_scale',
];
export const USERNAME = /^[a-z0-9._-]{3,64}$/;
