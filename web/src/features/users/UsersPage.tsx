import { useTranslation } from 'react-i18next';
import { Page } from '../../components/Page';
import { useCurrentUser } from '../accounts/session';
import { PeopleList } from './PeopleList';

/** /users: a client administrator's people. */
export function UsersPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  return (
    <Page title={t('nav.users')} lead={t('users.lead', { organisation: me.organisation.name })}>
      <PeopleList organisationId={me.organisation.id} />
    </Page>
  );
}
