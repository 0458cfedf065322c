import { Alert, Anchor, Button, Group, Stack, Stepper, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Page } from '../../components/Page';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDateTime } from '../../lib/format';
import { saveDraft, useCreateOrder, useDeleteOrder, useDocuments, useOrder, type DocumentDto, type OrderDto } from './api';
import { bodyOf, createBodyOf, emptyForm, formOf, type OrderForm } from './form';
import { ORDER_STATUS } from './labels';
import { ProblemAlert } from './ProblemAlert';
import { rowProblem, toRecipients } from './recipients';
import { DocumentStep } from './steps/DocumentStep';
import { OptionsStep } from './steps/OptionsStep';
import { RecipientsStep } from './steps/RecipientsStep';
import { ReviewStep } from './steps/ReviewStep';

export const STEPS = ['document', 'options', 'recipients', 'review'] as const;
export type StepName = (typeof STEPS)[number];

/** Why the page cannot leave a step yet (shown under it); null when it can. */
type StepProblem =
  | 'orders.wizard.problems.noLetter'
  | 'orders.wizard.problems.converting'
  | 'orders.wizard.problems.failed'
  | 'orders.wizard.problems.noName'
  | 'orders.wizard.problems.recipientRows'
  | 'orders.wizard.problems.noRecipients'
  | 'orders.wizard.problems.splitPages';

function stepIndex(name: string | null): number {
  const index = STEPS.indexOf((name ?? '') as StepName);
  return index < 0 ? 0 : index;
}

/** Steps whose values the page saves as they change, so the estimate beside them follows. */
const LIVE_STEPS: readonly number[] = [1, 2];
const AUTOSAVE_DELAY_MS = 500;

/**
 * Preparing a paper letter, in four steps: document, options, recipients, review. The set-up
 * lives on the server as a draft from the moment step 1 is left (POST), and every change after
 * that is saved (PATCH) on each step change, with "Save draft", and as options change, so the
 * estimate is always the server's quote for what is on screen.
 */
export function OrderWizard({ order }: { order: OrderDto | null }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const orderId = order?.id ?? null;
  const step = orderId === null ? 0 : stepIndex(params.get('step'));
  // The four steps side by side need about 760 px beside the menu (240 px): below 64em they would
  // wrap onto a second line or be squeezed, so the steps go one under the other.
  const narrow = useMediaQuery('(max-width: 63.99em)') ?? false;

  // A new letter may start from a document already uploaded (`?letter=doc_…&name=…`: an archived file reused).
  const [form, setForm] = useState<OrderForm>(() => (order ? formOf(order) : { ...emptyForm(), letter: params.get('letter'), name: params.get('name') ?? '' }));
  const formRef = useRef(form);
  useEffect(() => {
    formRef.current = form;
  }, [form]);

  const live = useOrder(orderId);
  const create = useCreateOrder();
  const remove = useDeleteOrder();
  const [deleting, setDeleting] = useState(false);

  // What the server holds, as the body that would be sent: a form that gives the same body is saved.
  const savedBody = useRef<string | null>(order ? JSON.stringify(bodyOf(formOf(order))) : null);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const [stepProblem, setStepProblem] = useState<StepProblem | null>(null);
  const [moving, setMoving] = useState(false);
  const moved = useRef(false);

  const documentIds = [form.letter, ...form.attachments, form.background?.document].filter((id): id is string => !!id);
  const documentQueries = useDocuments(documentIds);
  const documents = new Map<string, DocumentDto>();
  for (const query of documentQueries) if (query.data) documents.set(query.data.id, query.data);
  const letter = form.letter ? documents.get(form.letter) : undefined;

  const update = useCallback((change: Partial<OrderForm>) => {
    setStepProblem(null);
    setForm((current) => ({ ...current, ...change }));
  }, []);

  const dirty = (candidate: OrderForm) => JSON.stringify(bodyOf(candidate)) !== savedBody.current;

  /** Problems that stop the page leaving a step (the server's own checks come at review). */
  const problemOf = (index: number, candidate: OrderForm): StepProblem | null => {
    if (index === 0) {
      if (candidate.letter === null) return 'orders.wizard.problems.noLetter';
      const ids = [candidate.letter, ...candidate.attachments, candidate.background?.document].filter((id): id is string => !!id);
      const states = ids.map((id) => documents.get(id)?.status);
      if (states.some((s) => s === 'failed')) return 'orders.wizard.problems.failed';
      if (states.some((s) => s !== 'ready')) return 'orders.wizard.problems.converting';
      if (candidate.name.trim() === '') return 'orders.wizard.problems.noName';
    }
    if (index === 2) {
      if (candidate.addressSource === 'recipients') {
        if (candidate.recipients.some((row) => rowProblem(row) !== null)) return 'orders.wizard.problems.recipientRows';
        if (toRecipients(candidate.recipients).length === 0) return 'orders.wizard.problems.noRecipients';
      } else if (candidate.splitMode === 'every' && !(candidate.splitPages >= 1)) {
        return 'orders.wizard.problems.splitPages';
      }
    }
    return null;
  };

  /** PATCH the draft when the page holds something the server does not; one save at a time. */
  const saveNow = useCallback(async (): Promise<boolean> => {
    if (orderId === null) return false;
    while (inFlight.current) await inFlight.current;
    const body = bodyOf(formRef.current);
    if (body === null) return false;
    const json = JSON.stringify(body);
    if (json === savedBody.current) return true;
    const attempt = (async () => {
      setSaving(true);
      try {
        await saveDraft(queryClient, orderId, body);
        savedBody.current = json;
        setSaveError(null);
        setSavedAt(new Date().toISOString());
        return true;
      } catch (error) {
        setSaveError(error);
        return false;
      } finally {
        setSaving(false);
      }
    })();
    inFlight.current = attempt;
    try {
      return await attempt;
    } finally {
      inFlight.current = null;
    }
  }, [orderId, queryClient]);

  // Options and recipients are saved as they change (once they make sense), so the estimate
  // beside them is the server's quote for what is on screen.
  useEffect(() => {
    if (orderId === null || !LIVE_STEPS.includes(step) || !dirty(form)) return;
    if (step === 2 && problemOf(2, form) !== null) return;
    const timer = setTimeout(() => void saveNow(), AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [form, step, orderId, saveNow]);

  // Leaving the wizard by the menu keeps what was typed; closing the tab asks first.
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (orderId === null ? formRef.current.letter !== null : dirty(formRef.current)) event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [orderId]);
  const closed = useRef(false); // submitted or deleted: nothing more to save
  useEffect(
    () => () => {
      const last = formRef.current;
      if (orderId !== null && !closed.current && dirty(last) && last.name.trim() !== '' && problemOf(2, last) === null) void saveNow();
    },
    [orderId, saveNow],
  );

  /** Step 1 → the draft exists: POST, then the draft's own address (the wizard opens again from it). */
  const createDraft = async (nextStep: number): Promise<void> => {
    const body = createBodyOf(form);
    if (body === null) return;
    try {
      const created = await create.mutateAsync(body);
      savedBody.current = JSON.stringify(bodyOf(form));
      navigate(`/orders/${encodeURIComponent(created.id)}?step=${STEPS[nextStep]}`, { replace: true });
    } catch {
      // create.error is shown under the step
    }
  };

  const goTo = async (target: number): Promise<void> => {
    if (target === step || moving) return;
    const problem = problemOf(step, form) ?? (target > step ? firstProblemBetween(step, target) : null);
    if (problem) {
      setStepProblem(problem);
      return;
    }
    setMoving(true);
    try {
      if (orderId === null) {
        await createDraft(target);
        return;
      }
      if (!(await saveNow())) return;
      moved.current = true;
      setParams({ step: STEPS[target] ?? 'document' }, { replace: true });
    } finally {
      setMoving(false);
    }
  };

  const firstProblemBetween = (from: number, to: number): StepProblem | null => {
    for (let index = from; index < to; index += 1) {
      const problem = problemOf(index, form);
      if (problem) return problem;
    }
    return null;
  };

  const saveClicked = async () => {
    const problem = problemOf(step, form);
    if (problem) {
      setStepProblem(problem);
      return;
    }
    if (orderId === null) {
      await createDraft(0);
      return;
    }
    if (await saveNow()) setSavedAt(new Date().toISOString());
  };

  const deleteDraft = () => {
    if (orderId === null) return;
    closed.current = true;
    remove.mutate(orderId, {
      onSuccess: () => navigate('/orders', { replace: true }),
      onError: () => {
        closed.current = false;
      },
    });
  };

  const saveState = saving
    ? t('orders.wizard.saving')
    : savedAt
      ? t('orders.wizard.savedAt', { time: formatDateTime(savedAt, i18n.language) })
      : orderId !== null && !dirty(form)
        ? t('orders.wizard.upToDate')
        : '';

  const stepLabels = [
    { label: t('orders.wizard.steps.document'), description: t('orders.wizard.steps.documentHint') },
    { label: t('orders.wizard.steps.options'), description: t('orders.wizard.steps.optionsHint') },
    { label: t('orders.wizard.steps.recipients'), description: t('orders.wizard.steps.recipientsHint') },
    { label: t('orders.wizard.steps.review'), description: t('orders.wizard.steps.reviewHint') },
  ];
  const focusHeading = moved.current;

  const content = [
    <DocumentStep key="document" form={form} update={update} focus={focusHeading} />,
    <OptionsStep key="options" form={form} update={update} documents={documents} order={live.data} updating={saving || live.isFetching} focus={focusHeading} />,
    <RecipientsStep key="recipients" form={form} update={update} letter={letter} order={live.data} updating={saving || live.isFetching} focus={focusHeading} />,
    orderId !== null ? (
      <ReviewStep
        key="review"
        orderId={orderId}
        form={form}
        documents={documents}
        busy={saving || moving}
        focus={focusHeading}
        onEdit={(target) => void goTo(target)}
        onSubmitting={(active) => {
          closed.current = active;
        }}
      />
    ) : null,
  ];

  return (
    <Page
      title={orderId === null ? t('orders.wizard.newTitle') : t('orders.wizard.draftTitle', { name: order?.name ?? form.name })}
      actions={
        <Anchor component={Link} to="/orders">
          {t('orders.wizard.backToList')}
        </Anchor>
      }
    >
      <Group gap="xs" mt={-8}>
        <StatusBadge color={ORDER_STATUS.draft.color}>{t(ORDER_STATUS.draft.label)}</StatusBadge>
        <Text c="dimmed">{t('orders.wizard.lead')}</Text>
      </Group>
      <Stepper
        active={step}
        onStepClick={(index) => void goTo(index)}
        allowNextStepsSelect={orderId !== null}
        orientation={narrow ? 'vertical' : 'horizontal'}
        size="sm"
        aria-label={t('orders.wizard.stepsLabel')}
      >
        {stepLabels.map((s, index) => (
          <Stepper.Step
            key={STEPS[index]}
            label={s.label}
            description={s.description}
            aria-current={index === step ? 'step' : undefined}
            allowStepSelect={orderId !== null || index === 0}
          >
            {content[index]}
          </Stepper.Step>
        ))}
      </Stepper>

      <Stack gap="sm">
        {stepProblem && (
          <Alert color="red" variant="light" role="alert">
            {t(stepProblem)}
          </Alert>
        )}
        <ProblemAlert error={create.error ?? saveError} title={t('orders.wizard.saveFailed')} />
        <Group justify="space-between" gap="sm">
          <Group gap="sm">
            {step > 0 && (
              <Button variant="default" onClick={() => void goTo(step - 1)} disabled={moving}>
                {t('orders.wizard.back')}
              </Button>
            )}
            {step < STEPS.length - 1 && (
              <Button onClick={() => void goTo(step + 1)} loading={moving || create.isPending}>
                {t('orders.wizard.next')}
              </Button>
            )}
          </Group>
          <Group gap="sm">
            <Text size="sm" c="dimmed" role="status" aria-live="polite">
              {saveState}
            </Text>
            <Button variant="default" onClick={() => void saveClicked()} loading={saving || create.isPending} disabled={form.letter === null}>
              {t('orders.wizard.save')}
            </Button>
            {orderId !== null ? (
              <Button variant="subtle" color="red" onClick={() => setDeleting(true)}>
                {t('orders.wizard.delete')}
              </Button>
            ) : (
              <Button variant="subtle" color="gray" component={Link} to="/orders">
                {t('common.cancel')}
              </Button>
            )}
          </Group>
        </Group>
      </Stack>

      <ConfirmDialog
        opened={deleting}
        title={t('orders.wizard.deleteTitle')}
        confirmLabel={t('orders.wizard.deleteConfirm')}
        danger
        pending={remove.isPending}
        error={remove.error}
        onConfirm={deleteDraft}
        onClose={() => {
          setDeleting(false);
          remove.reset();
        }}
      >
        {t('orders.wizard.deleteBody')}
      </ConfirmDialog>
    </Page>
  );
}
