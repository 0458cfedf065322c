import { Alert, Button, Checkbox, CopyButton, Group, List, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** New recovery codes, shown once: the person confirms they saved them before moving on. */
export function RecoveryCodes({ codes, onDone, doneLabel }: { codes: string[]; onDone: () => void; doneLabel: string }) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState(false);
  return (
    <Stack gap="md">
      <Alert color="yellow" variant="light" title={t('recovery.onceTitle')}>
        {t('recovery.once')}
      </Alert>
      <Text>{t('recovery.explain')}</Text>
      <List spacing={4} ff="monospace" aria-label={t('recovery.listLabel')} listStyleType="none">
        {codes.map((code) => (
          <List.Item key={code}>{code}</List.Item>
        ))}
      </List>
      <Group>
        <CopyButton value={codes.join('\n')}>
          {({ copied, copy }) => (
            <Button variant="default" onClick={copy} aria-live="polite">
              {copied ? t('common.copied') : t('recovery.copyAll')}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Checkbox label={t('recovery.saved')} checked={saved} onChange={(e) => setSaved(e.currentTarget.checked)} />
      <Group>
        <Button onClick={onDone} disabled={!saved}>
          {doneLabel}
        </Button>
      </Group>
    </Stack>
  );
}
