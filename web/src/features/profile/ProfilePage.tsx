import { useTranslation } from 'react-i18next';
import { Page } from '../../components/Page';
import { ApiKeysSection } from './ApiKeysSection';
import { NotificationsSection } from './NotificationsSection';
import { PasswordSection } from './PasswordSection';
import { PersonalSection } from './PersonalSection';
import { SessionsSection } from './SessionsSection';
import { TwoFactorSection } from './TwoFactorSection';

/** /profile: everyone's own account. */
export function ProfilePage() {
  const { t } = useTranslation();
  return (
    <Page title={t('profile.title')}>
      <PersonalSection />
      <NotificationsSection />
      <PasswordSection />
      <TwoFactorSection />
      <ApiKeysSection />
      <SessionsSection />
    </Page>
  );
}
