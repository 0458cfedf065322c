import { Anchor, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { ApiError } from '../../lib/http';
import { useOrder } from './api';
import { OrderView } from './OrderView';
import { OrderWizard } from './OrderWizard';
import { EletterOrderView } from '../eletters/EletterOrderView';
import type { EletterOrder } from '../eletters/api';

/** /orders/new: a new letter, in the wizard. Nothing exists on the server until step 1 is left. */
export function NewOrderPage() {
  return <OrderWizard order={null} />;
}

/** /orders/:id: a draft opens in the wizard, anything else read-only. */
export function OrderPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const order = useOrder(id);

  if (order.isPending) return <Loading />;
  if (!order.data) {
    const missing = order.error instanceof ApiError && order.error.status === 404;
    return (
      <Page title={missing ? t('orders.view.notFound') : t('nav.orders')}>
        <Stack gap="md">
          {!missing && <ErrorAlert error={order.error} />}
          {missing && <p>{t('orders.view.notFoundBody')}</p>}
          <Anchor component={Link} to="/orders">
            {t('orders.wizard.backToList')}
          </Anchor>
        </Stack>
      </Page>
    );
  }
  if ((order.data as { kind: string }).kind === 'electronic') return <EletterOrderView order={order.data as unknown as EletterOrder} />;
  // A failed re-read keeps what was shown. Keyed by id: another draft opens with its own set-up, not the previous one's.
  if (order.data.status === 'draft') return <OrderWizard key={order.data.id} order={order.data} />;
  return <OrderView order={order.data} />;
}
