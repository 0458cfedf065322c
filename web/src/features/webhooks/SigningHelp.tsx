import { Code, List, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

// The check a receiver makes, in Node.js (the same in any language with HMAC-SHA256).
const EXAMPLE = [
  "import { createHmac, timingSafeEqual } from 'node:crypto';",
  '',
  'function isFromPli(secret, signatureHeader, rawBody) {',
  "  const { t, v1 } = Object.fromEntries(signatureHeader.split(',').map((part) => part.split('=')));",
  "  const expected = createHmac('sha256', secret).update(t + '.' + rawBody).digest('hex');",
  '  const recent = Math.abs(Date.now() / 1000 - Number(t)) < 300;',
  '  return recent && typeof v1 === "string" && v1.length === expected.length',
  '    && timingSafeEqual(Buffer.from(v1), Buffer.from(expected));',
  '}',
].join('\n');

/** How a receiver checks that a delivery comes from Pli: the `Pli-Signature` header. */
export function SigningHelp() {
  const { t } = useTranslation();
  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        {t('webhooks.verify.title')}
      </Title>
      <Text size="sm">{t('webhooks.verify.intro')}</Text>
      <Code block>{'Pli-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>'}</Code>
      <List type="ordered" size="sm" spacing={4}>
        <List.Item>{t('webhooks.verify.read')}</List.Item>
        <List.Item>{t('webhooks.verify.compute')}</List.Item>
        <List.Item>{t('webhooks.verify.compare')}</List.Item>
        <List.Item>{t('webhooks.verify.dedupe')}</List.Item>
        <List.Item>{t('webhooks.verify.answer')}</List.Item>
      </List>
      <Text size="sm">{t('webhooks.verify.example')}</Text>
      <Code block>{EXAMPLE}</Code>
    </Stack>
  );
}
