import { Tabs } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { Page } from '../../components/Page';
import type { DeskMailpiece } from './api';
import { ChaseTab } from './ChaseTab';
import { ReturnsDesk, useDeskSession } from './ReturnsDesk';

const TABS = ['desk', 'chase'] as const;
type Tab = (typeof TABS)[number];

function isTab(value: string | null): value is Tab {
  return value !== null && (TABS as readonly string[]).includes(value);
}

/**
 * /returns: the provider floor's returns desk — what La Poste brings back (returned letters, AR
 * cards) scanned and recorded with its scan — and the registered letters to chase La Poste about.
 * The tab is `?tab=`, so the desk's computer can keep it bookmarked.
 */
export function ReturnsDeskPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const session = useDeskSession();
  const asked = params.get('tab');
  const tab: Tab = isTab(asked) ? asked : 'desk';

  const choose = (value: string | null) => {
    if (!isTab(value)) return;
    setParams(value === 'desk' ? {} : { tab: value });
  };

  /** A letter of the chase list, taken to the desk (its AR card came back after all). */
  const open = (mailpiece: DeskMailpiece) => {
    session.setMailpiece(mailpiece);
    choose('desk');
  };

  return (
    <Page title={t('nav.returns')} lead={t('returns.lead')}>
      <Tabs value={tab} onChange={choose} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="desk">{t('returns.tabs.desk')}</Tabs.Tab>
          <Tabs.Tab value="chase">{t('returns.tabs.chase')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="desk" pt="lg">
          <ReturnsDesk session={session} />
        </Tabs.Panel>
        <Tabs.Panel value="chase" pt="lg">
          <ChaseTab onOpen={open} />
        </Tabs.Panel>
      </Tabs>
    </Page>
  );
}
