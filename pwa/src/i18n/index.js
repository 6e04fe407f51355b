// vue-i18n set up zh-CN first with an English option; the choice persists and also switches Vant's own texts.
import { createI18n } from 'vue-i18n';
import { Locale } from 'vant';
import vantZh from 'vant/es/locale/lang/zh-CN';
import vantEn from 'vant/es/locale/lang/en-US';
import zhCN from './zh-CN.json';
import en from './en.json';

// Each record area keeps its texts beside its screens, under its own key ($t('drill.…')).
const AREAS = import.meta.glob('../*/{zh-CN,en}.json', { eager: true, import: 'default' });

function withAreas(base, locale) {
  const merged = { ...base };
  for (const [path, texts] of Object.entries(AREAS)) {
    // The glob lists this folder's own files as "./en.json": they are the base, not an area.
    const match = path.match(/^\.\.\/([^/]+)\/(.+)\.json$/);
    if (!match) continue;
    const [, area, file] = match;
    if (area !== 'i18n' && file === locale) merged[area] = { ...(merged[area] || {}), ...texts };
  }
  return merged;
}

export const LOCALES = [
  { code: 'zh-CN', label: '简体中文' },
  { code: 'en', label: 'English' },
];

function savedLocale() {
  const saved = globalThis.localStorage?.getItem('locale');
  return LOCALES.some((l) => l.code === saved) ? saved : 'zh-CN';
}

export const i18n = createI18n({
  legacy: false,
  locale: savedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': withAreas(zhCN, 'zh-CN'), en: withAreas(en, 'en') },
});

/** Switch the UI language now and for the next start. */
export function setLocale(code) {
  i18n.global.locale.value = code;
  localStorage.setItem('locale', code);
  document.documentElement.lang = code;
  if (code === 'en') Locale.use('en-US', vantEn);
  else Locale.use('zh-CN', vantZh);
}

setLocale(savedLocale());
