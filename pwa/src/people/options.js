// Choices of the people and enterprise forms (values as in docs/commands.md and domain.md).
export const ROLES = ['worker', 'officer', 'principal'];
export const EMPLOYMENT_TYPES = ['own', 'contractor', 'dispatched', 'flexible'];
// The industries of 令第10号 Art.2 (backend/rules/industries.py): one per enterprise, choosing Art.4–10.
export const INDUSTRIES = [
  'metallurgy', 'nonferrous', 'building_materials', 'machinery', 'light_industry', 'textile', 'tobacco', 'commerce',
];
// Process flags (backend/rules/roles.py); nonferrous is an industry since issue 9.
export const ENTERPRISE_FLAGS = [
  'metal_smelting', 'dust_explosion', 'ammonia_refrigeration', 'gas', 'confined_space',
  'confined_space_toxic', 'labour_intensive', 'factory_in_factory', 'above_scale',
];
export const USERNAME = /^[a-z0-9._-]{3,64}$/;
