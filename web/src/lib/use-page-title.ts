import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

/** Each page names itself in the tab title, which screen readers announce on navigation. */
export function usePageTitle(page: string | null): void {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = page === null ? t('app.name') : t('app.pageTitle', { page });
  }, [page, t]);
}
