import { Alert, Anchor, Button, NativeSelect, Table, Text, type ComboboxItem, type ComboboxItemGroup } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ListTable } from '../../components/ListTable';
import { Page } from '../../components/Page';
import { Section } from '../../components/Section';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDateTime, formatDay } from '../../lib/format';
import { useOrganisations } from '../clients/api';
import { useCreateTariff, useTariffs, type Tariff } from './api';
import { parisToday } from './money';
import { FALLBACK_TARIFF, inForceOn, newestFirst, versionState, VERSION_STATE } from './model';
import { TariffForm } from './TariffForm';
import { TariffView } from './TariffView';
import classes from './Tariffs.module.css';

/** Every client organisation, by name: the list is read to its end (a provider has tens, not thousands). */
function useClients(language: string) {
  const list = useOrganisations('');
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const clients = list.items.filter((org) => org.kind === 'client').sort((a, b) => a.name.localeCompare(b.name, language));
  return { clients, isError: list.isError, error: list.error };
}

/**
 * The versions of one tariff (the standard one, or a client's own), the one selected read-only,
 * and the form for a new version from a date.
 */
function TariffVersions({
  organisationId,
  organisationName,
  versionId,
  onSelect,
}: {
  /** `null`: the standard tariff. */
  organisationId: string | null;
  organisationName: string | null;
  versionId: string | null;
  onSelect: (id: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const tariffs = useTariffs(organisationId);
  const create = useCreateTariff();
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const [today] = useState(parisToday);
  const day = (date: string) => formatDay(date, i18n.language);

  const openRef = useRef<HTMLButtonElement>(null);
  const wasCreating = useRef(false);
  // When the form goes, keyboard focus does not fall back to the top of the page: after saving
  // it goes to the sentence saying what happened, after cancelling back to the button.
  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);
  useEffect(() => {
    if (wasCreating.current && !creating && !notice) openRef.current?.focus();
    wasCreating.current = creating;
  }, [creating, notice]);

  // The API answers an organisation's own versions along with the standard ones.
  const all = tariffs.data ?? [];
  const versions = newestFirst(all.filter((record) => record.organisation_id === organisationId));
  const standard = newestFirst(all.filter((record) => record.organisation_id === null));
  const inForce = inForceOn(versions, today);
  const selected = versions.find((record) => record.id === versionId) ?? inForce ?? versions[0] ?? null;
  const standardInForce = organisationId === null ? null : (inForceOn(standard, today) ?? standard.at(-1) ?? null);
  const nextOwn = versions.filter((record) => record.effective_from > today).at(-1) ?? null;

  // A new version starts from the one shown; a client without a tariff of its own, from the standard one.
  let base: Tariff = FALLBACK_TARIFF;
  let baseLabel = t('tariffs.new.baseDefault');
  if (selected) {
    base = selected.tariff;
    baseLabel = t('tariffs.new.baseVersion', { date: day(selected.effective_from) });
  } else if (standardInForce) {
    base = standardInForce.tariff;
    baseLabel = t('tariffs.new.baseStandard', { date: day(standardInForce.effective_from) });
  }

  const open = () => {
    create.reset();
    setNotice(null);
    setCreating(true);
  };
  const close = () => {
    create.reset();
    setCreating(false);
  };
  const save = (tariff: Tariff) =>
    create.mutate(
      { organisation_id: organisationId, tariff },
      {
        onSuccess: (record) => {
          setCreating(false);
          onSelect(record.id);
          const date = day(record.effective_from);
          setNotice(organisationName ? t('tariffs.new.createdFor', { name: organisationName, date }) : t('tariffs.new.created', { date }));
        },
      },
    );

  let fallback: string | null = null;
  if (organisationName && tariffs.isSuccess && !inForce) {
    fallback = nextOwn
      ? t('tariffs.fallback.until', { name: organisationName, date: day(nextOwn.effective_from) })
      : t('tariffs.fallback.none', { name: organisationName });
  }

  const selectedState = selected ? VERSION_STATE[versionState(selected, inForce, today)] : null;

  return (
    <>
      <Section
        title={organisationName ? t('tariffs.versions.titleFor', { name: organisationName }) : t('tariffs.versions.titleStandard')}
        actions={
          !creating && (
            <Button ref={openRef} onClick={open} disabled={!tariffs.isSuccess}>
              {t('tariffs.new.open')}
            </Button>
          )
        }
      >
        {notice && (
          <Alert
            ref={noticeRef}
            tabIndex={-1}
            color="green"
            variant="light"
            role="status"
            withCloseButton
            onClose={() => setNotice(null)}
            closeButtonLabel={t('common.close')}
          >
            {notice}
          </Alert>
        )}
        {fallback && (
          <Text role="note">
            {fallback}{' '}
            <Anchor component={Link} to="/tariffs">
              {t('tariffs.fallback.seeStandard')}
            </Anchor>
          </Text>
        )}
        <ListTable
          state={tariffs}
          isEmpty={versions.length === 0}
          empty={organisationName ? t('tariffs.versions.emptyFor', { name: organisationName }) : t('tariffs.versions.emptyStandard')}
          minWidth={480}
          caption={t('tariffs.versions.caption')}
          columns={[
            { label: t('tariffs.versions.columns.effectiveFrom') },
            { label: t('tariffs.versions.columns.state') },
            { label: t('tariffs.versions.columns.createdAt') },
          ]}
        >
          {versions.map((record) => {
            const state = VERSION_STATE[versionState(record, inForce, today)];
            const isSelected = record.id === selected?.id;
            return (
              <Table.Tr key={record.id} className={isSelected ? classes.selected : undefined} data-version={record.effective_from}>
                <Table.Th scope="row" fw={isSelected ? 700 : 500}>
                  <Anchor component="button" type="button" onClick={() => onSelect(record.id)} aria-current={isSelected ? 'true' : undefined} fw="inherit">
                    {day(record.effective_from)}
                  </Anchor>
                </Table.Th>
                <Table.Td>
                  <StatusBadge color={state.color}>{t(state.label)}</StatusBadge>
                </Table.Td>
                <Table.Td>{formatDateTime(record.created_at, i18n.language)}</Table.Td>
              </Table.Tr>
            );
          })}
        </ListTable>
      </Section>

      {creating ? (
        <Section title={organisationName ? t('tariffs.new.titleFor', { name: organisationName }) : t('tariffs.new.title')}>
          <TariffForm
            base={base}
            baseLabel={baseLabel}
            taken={versions.map((record) => record.effective_from)}
            pending={create.isPending}
            error={create.error}
            onSubmit={save}
            onCancel={close}
          />
        </Section>
      ) : (
        selected &&
        selectedState && (
          <Section
            title={t('tariffs.view.title', { date: day(selected.effective_from) })}
            lead={t('tariffs.view.created', { date: formatDateTime(selected.created_at, i18n.language) })}
            actions={<StatusBadge color={selectedState.color}>{t(selectedState.label)}</StatusBadge>}
          >
            <TariffView tariff={selected.tariff} />
          </Section>
        )
      )}
    </>
  );
}

/**
 * /tariffs: the provider administrator's prices, version by version — the standard tariff, or
 * one client's own (`?organisation=`); the version shown is `?version=`.
 */
export function TariffsPage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const organisationId = params.get('organisation') || null;
  const versionId = params.get('version');
  const { clients, isError, error } = useClients(i18n.language);
  const organisationName = organisationId ? (clients.find((org) => org.id === organisationId)?.name ?? organisationId) : null;

  const options: Array<ComboboxItem | ComboboxItemGroup<ComboboxItem, string>> = [{ value: '', label: t('tariffs.standard') }];
  if (organisationId && !clients.some((org) => org.id === organisationId)) options.push({ value: organisationId, label: organisationId });
  if (clients.length > 0) options.push({ group: t('tariffs.clientsGroup'), items: clients.map((org) => ({ value: org.id, label: org.name })) });

  return (
    <Page title={t('nav.tariffs')} lead={t('tariffs.lead')}>
      <NativeSelect
        label={t('tariffs.choose')}
        description={t('tariffs.chooseHint')}
        value={organisationId ?? ''}
        onChange={(e) => {
          const value = e.currentTarget.value;
          setParams(value ? { organisation: value } : {});
        }}
        data={options}
        maw={420}
      />
      {isError && <ErrorAlert error={error} />}
      <TariffVersions
        key={organisationId ?? 'standard'}
        organisationId={organisationId}
        organisationName={organisationName}
        versionId={versionId}
        onSelect={(id) =>
          setParams(
            (current) => {
              const next = new URLSearchParams(current);
              next.set('version', id);
              return next;
            },
            { replace: true },
          )
        }
      />
    </Page>
  );
}
