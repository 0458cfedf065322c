import { Stack, Table, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useRulesInForce } from '../production/api';
import type { Tariff } from './api';
import { formatEuros, formatRate } from './money';
import {
  GROUP_LABEL,
  postageSteps,
  PRICE_GROUPS,
  PRICE_LINES,
  VAT_CATEGORIES,
  VAT_LABEL,
  vatCategoryOf,
} from './model';
import { PostageGrid } from './PostageGrid';
import classes from './Tariffs.module.css';

/** A price the tariff does not have (a step a class does not offer): a dash, said in words. */
function NotOffered() {
  const { t } = useTranslation();
  return (
    <>
      <span aria-hidden="true">—</span>
      <VisuallyHidden>{t('tariffs.view.notOffered')}</VisuallyHidden>
    </>
  );
}

/** One tariff, read-only: unit prices with their VAT rate, the postage grid, the VAT rates. */
export function TariffView({ tariff }: { tariff: Tariff }) {
  const { t, i18n } = useTranslation();
  const euros = (cents: number) => formatEuros(cents, i18n.language);
  const rate = (basisPoints: number) => formatRate(basisPoints, i18n.language);
  const rules = useRulesInForce();
  const steps = postageSteps(rules, tariff);

  return (
    <Stack gap="lg">
      <Table.ScrollContainer minWidth={420}>
        <Table>
          <Table.Caption>{t('tariffs.view.pricesCaption')}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('tariffs.view.columns.line')}</Table.Th>
              <Table.Th scope="col" className={classes.number}>
                {t('tariffs.view.columns.price')}
              </Table.Th>
              <Table.Th scope="col" className={classes.number}>
                {t('tariffs.view.columns.vat')}
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          {PRICE_GROUPS.map((group) => (
            <Table.Tbody key={group}>
              <Table.Tr>
                <Table.Th scope="rowgroup" colSpan={3} className={classes.group}>
                  {t(GROUP_LABEL[group])}
                </Table.Th>
              </Table.Tr>
              {PRICE_LINES.filter((line) => line.group === group).map((line) => (
                <Table.Tr key={line.key} data-line={line.key}>
                  <Table.Th scope="row" fw={400}>
                    {line.label(t)}
                  </Table.Th>
                  <Table.Td className={classes.number}>{euros(line.read(tariff.lines))}</Table.Td>
                  <Table.Td className={classes.number}>{rate(tariff.vat[vatCategoryOf(tariff, line.kind)])}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          ))}
        </Table>
      </Table.ScrollContainer>

      <Table.ScrollContainer minWidth={560}>
        <Table>
          <Table.Caption>{t('tariffs.view.postageCaption', { rate: rate(tariff.vat[vatCategoryOf(tariff, 'postage')]) })}</Table.Caption>
          <PostageGrid
            steps={steps}
            rowWeight={400}
            cell={(mailClass, step) => {
              const cents = tariff.lines.postage[mailClass][step];
              return <Table.Td className={classes.number}>{cents === undefined ? <NotOffered /> : euros(cents)}</Table.Td>;
            }}
          />
        </Table>
      </Table.ScrollContainer>

      <Table variant="vertical" layout="fixed" withTableBorder maw={560}>
        <Table.Caption>{t('tariffs.view.vatRates')}</Table.Caption>
        <Table.Tbody>
          {VAT_CATEGORIES.map((category) => (
            <Table.Tr key={category}>
              <Table.Th w={{ base: 200, sm: 360 }}>{t(VAT_LABEL[category])}</Table.Th>
              <Table.Td className={classes.number}>{rate(tariff.vat[category])}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
