// Drill types (data as in backend/rules/drill_types.py and docs/commands.md) with zh/en labels.
export const DRILL_TYPES = [
  { key: 'evacuation', zh: '疏散逃生', en: 'Evacuation' },
  { key: 'fire', zh: '消防', en: 'Fire' },
  { key: 'gas_leak', zh: '煤气泄漏', en: 'Gas leak' },
  { key: 'molten_metal', zh: '熔融金属喷溅', en: 'Molten metal splash' },
  { key: 'confined_space_rescue', zh: '有限空间救援', en: 'Confined-space rescue' },
  { key: 'comprehensive', zh: '综合', en: 'Comprehensive' },
  { key: 'specialised', zh: '专项', en: 'Specialised' },
  { key: 'onsite_procedure', zh: '现场处置方案', en: 'On-site procedure' },
];

/** The label of a drill type in `locale`. */
export function drillTypeLabel(key, locale = 'zh-CN') {
  const type = DRILL_TYPES.find((t) => t.key === key);
  return type ? (locale.startsWith('zh') ? type.zh : type.en) : key ?? '';
}
