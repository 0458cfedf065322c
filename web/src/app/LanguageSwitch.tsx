import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { chooseLanguage, currentLanguage, isLanguage, type Language } from '../lib/i18n';

const OPTIONS = [
  { value: 'fr', label: <span lang="fr" title="Français">FR</span> },
  { value: 'en', label: <span lang="en" title="English">EN</span> },
];

/** FR | EN. Signed in, `onChosen` also records the choice on the account. */
export function LanguageSwitch({ onChosen }: { onChosen?: (language: Language) => void }) {
  const { t, i18n } = useTranslation();
  const value = isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : currentLanguage();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('app.language.label')}
      data={OPTIONS}
      value={value}
      onChange={(next) => {
        if (!isLanguage(next)) return;
        void chooseLanguage(next);
        onChosen?.(next);
      }}
    />
  );
}
