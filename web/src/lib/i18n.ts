import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { setRequestLanguage } from './http';
import en from '../locales/en.json';
import fr from '../locales/fr.json';

export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'fr';

const STORAGE_KEY = 'pli.language';

// English must carry every French key: this assignment fails to compile otherwise.
const english: typeof fr = en;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof fr };
  }
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

function storedLanguage(): Language {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return isLanguage(value) ? value : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE; // storage disabled (privacy mode): French, not remembered
  }
}

function rememberLanguage(language: string): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
}

export function currentLanguage(): Language {
  return isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : DEFAULT_LANGUAGE;
}

/** The user's explicit choice: applied now and remembered for the next visits. */
export async function chooseLanguage(language: Language): Promise<void> {
  await i18n.changeLanguage(language);
  rememberLanguage(language);
}

// Screen readers and the browser's hyphenation follow <html lang>; the server's refusals follow
// the Accept-Language of each request.
i18n.on('languageChanged', (language) => {
  document.documentElement.lang = language;
  setRequestLanguage(currentLanguage());
});

// Resources are bundled, so initialise synchronously: the first render is already translated.
void i18n.use(initReactI18next).init({
  resources: { fr: { translation: fr }, en: { translation: english } },
  lng: storedLanguage(),
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: [...LANGUAGES],
  initAsync: false,
  interpolation: { escapeValue: false }, // React escapes already
  returnNull: false,
});
document.documentElement.lang = currentLanguage();
setRequestLanguage(currentLanguage());

export { i18n };
