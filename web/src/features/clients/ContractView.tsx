import { Badge, Group, List, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDay } from '../../lib/format';
import type { Contract } from './api';
import { OPTION_KEYS, OPTION_LABEL } from './labels';

/** A contract as read-only facts: dates, then each option subscribed ✓ or not ✗. */
export function ContractView({ contract }: { contract: Contract | null }) {
  const { t, i18n } = useTranslation();
  if (!contract) return <Text c="dimmed">{t('contract.none')}</Text>;
  const day = (value: string | null, empty: string) => (value ? formatDay(value, i18n.language) : empty);
  return (
    <Stack gap="md">
      <Table variant="vertical" layout="fixed" withTableBorder>
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={{ base: 140, sm: 240 }}>{t('contract.startsOn')}</Table.Th>
            <Table.Td>{day(contract.starts_on, '')}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('contract.endsOn')}</Table.Th>
            <Table.Td>{day(contract.ends_on, t('contract.noEnd'))}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('contract.onboardingEndsOn')}</Table.Th>
            <Table.Td>{day(contract.onboarding_ends_on, t('contract.noOnboarding'))}</Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <div>
        <Text fw={600} mb="xs">
          {t('contract.optionsTitle')}
        </Text>
        <List listStyleType="none" spacing={6}>
          {OPTION_KEYS.map((key) => {
            const on = contract.options[key];
            return (
              <List.Item key={key}>
                <Group gap="sm" wrap="nowrap">
                  <Badge circle size="lg" color={on ? 'green' : 'gray'} variant="light" aria-hidden>
                    {on ? '✓' : '✗'}
                  </Badge>
                  <Text>
                    {t(OPTION_LABEL[key])}
                    <Text span c="dimmed">
                      {' — '}
                      {on ? t('contract.subscribed') : t('contract.notSubscribed')}
                    </Text>
                  </Text>
                </Group>
              </List.Item>
            );
          })}
        </List>
      </div>
    </Stack>
  );
}
