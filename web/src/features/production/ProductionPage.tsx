import { Tabs } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { Page } from '../../components/Page';
import { useCurrentUser } from '../accounts/session';
import { BatchesTab } from './BatchesTab';
import { IntakeTab } from './IntakeTab';
import { RulesTab } from './RulesTab';
import { ScanStation, useScanSession } from './ScanStation';
import { SettingsTab } from './SettingsTab';

const TABS = ['intake', 'batches', 'scan', 'settings', 'rules'] as const;
/** The tabs of the provider administrator only. */
const SET_UP: readonly Tab[] = ['settings', 'rules'];
type Tab = (typeof TABS)[number];

function isTab(value: string | null): value is Tab {
  return value !== null && (TABS as readonly string[]).includes(value);
}

/**
 * /production: the floor console of the provider's operators and administrators — orders to
 * accept, batches and their files, the scan station, and (administrators) the floor's settings
 * and the production rules.
 * The tab is `?tab=`, so a station can be bookmarked on the scanner.
 */
export function ProductionPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const scanSession = useScanSession();
  const canSetUp = user.role === 'provider_admin';
  const asked = params.get('tab');
  const tab: Tab = isTab(asked) && (!SET_UP.includes(asked) || canSetUp) ? asked : 'intake';

  const choose = (value: string | null) => {
    if (!isTab(value)) return;
    setParams(value === 'intake' ? {} : { tab: value });
  };

  return (
    <Page title={t('nav.production')} lead={t('production.lead')}>
      <Tabs value={tab} onChange={choose} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="intake">{t('production.tabs.intake')}</Tabs.Tab>
          <Tabs.Tab value="batches">{t('production.tabs.batches')}</Tabs.Tab>
          <Tabs.Tab value="scan">{t('production.tabs.scan')}</Tabs.Tab>
          {canSetUp && <Tabs.Tab value="settings">{t('production.tabs.settings')}</Tabs.Tab>}
          {canSetUp && <Tabs.Tab value="rules">{t('production.tabs.rules')}</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="intake" pt="lg">
          <IntakeTab />
        </Tabs.Panel>
        <Tabs.Panel value="batches" pt="lg">
          <BatchesTab />
        </Tabs.Panel>
        <Tabs.Panel value="scan" pt="lg">
          <ScanStation session={scanSession} />
        </Tabs.Panel>
        {canSetUp && (
          <Tabs.Panel value="settings" pt="lg">
            <SettingsTab />
          </Tabs.Panel>
        )}
        {canSetUp && (
          <Tabs.Panel value="rules" pt="lg">
            <RulesTab />
          </Tabs.Panel>
        )}
      </Tabs>
    </Page>
  );
}
