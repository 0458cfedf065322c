import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { chooseLanguage, currentLanguage, isLanguage } from '../lib/i18n';

const OPTIONS = [
  { value: 'fr', label: <span lang="fr" title="Français">FR</span> },
  { value: 'en', label: <span lang="en" title="English">EN</span> },
];

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const value = isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : currentLanguage();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('app.language.label')}
      data={OPTIONS}
      value={value}
      onChange={(next) => {
        if (isLanguage(next)) void chooseLanguage(next);
      }}
    />
  );
}
