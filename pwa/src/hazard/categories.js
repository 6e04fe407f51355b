// The 类别 a reporter picks from: the words the enterprises' hazard ledgers use (the demo's among them). The
// server keeps `category` free text (docs/protocol.md), so a value from elsewhere still shows as it was sent.
export const HAZARD_CATEGORIES = [
  '作业环境',
  '设备设施',
  '机械防护',
  '电气安全',
  '消防',
  '监测报警',
  '特种设备',
  '高温熔融金属',
  '煤气',
  '粉尘防爆',
  '有限空间',
  '危险化学品',
  '人员行为',
  '安全管理',
  '其他',
];

/** Checklist items matching a search (article.item code or text, any part), in checklist order. */
export function searchCriteria(items = [], query = '') {
  const words = String(query).trim().split(/\s+/).filter(Boolean);
  if (!words.length) return items;
  return items.filter((i) => {
    const hay = `${i.id} ${i.article ?? ''}.${i.item ?? ''} ${i.text ?? ''}`;
    return words.every((w) => hay.includes(w));
  });
}
