import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en, ja } from './resources';

export const LANGUAGES = ['ja', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'asset.language';

function storedLanguage(): Language {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return value === 'en' ? 'en' : 'ja';
  } catch {
    return 'ja'; // storage disabled: Japanese
  }
}

/** The UI language: Japanese unless English was chosen (kept in localStorage). */
export function currentLanguage(): Language {
  return i18n.resolvedLanguage === 'en' ? 'en' : 'ja';
}

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng === 'en' ? 'en' : 'ja';
  document.title = i18n.t('app.name');
  try {
    window.localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
});

void i18n.use(initReactI18next).init({
  resources: { ja: { translation: ja }, en: { translation: en } },
  lng: storedLanguage(),
  fallbackLng: 'ja',
  supportedLngs: LANGUAGES,
  interpolation: { escapeValue: false }, // React escapes
});
document.documentElement.lang = currentLanguage();
document.title = i18n.t('app.name');

export default i18n;
