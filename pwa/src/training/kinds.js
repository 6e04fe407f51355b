// Training kinds (data as in backend/rules/training_kinds.py and docs/commands.md) with zh/en labels.
export const TRAINING_KINDS = [
  { key: 'three_level_plant', zh: '三级安全教育（厂级）', en: 'Three-level: plant' },
  { key: 'three_level_workshop', zh: '三级安全教育（车间级）', en: 'Three-level: workshop' },
  { key: 'three_level_team', zh: '三级安全教育（班组级）', en: 'Three-level: team' },
  { key: 'principal_manager', zh: '主要负责人/安全管理人员培训', en: 'Principal / safety manager' },
  { key: 'special_operation_refresher', zh: '特种作业复训', en: 'Special-operation refresher' },
  { key: 'contractor_induction', zh: '外来人员入场培训', en: 'Contractor induction' },
  { key: 'confined_space_annual', zh: '有限空间年度培训', en: 'Confined-space annual' },
  { key: 'general', zh: '一般安全培训', en: 'General' },
];

export const PASS_SCORE = 80;

/** The label of a training kind in `locale`. */
export function trainingKindLabel(key, locale = 'zh-CN') {
  const kind = TRAINING_KINDS.find((k) => k.key === key);
  return kind ? (locale.startsWith('zh') ? kind.zh : kind.en) : key ?? '';
}
