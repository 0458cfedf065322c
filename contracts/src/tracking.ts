import { z } from 'zod';
import { EVENT_PATTERNS_LIST, NOTIFIABLE_EVENTS } from './tracking-events.js';
import { idOf, timestamp } from './common.js';

/** An event as the live stream (`data:`) and webhooks (the body) deliver it. */
export const trackingEvent = z
  .object({
    id: z.string(),
    type: z.string(),
    at: timestamp,
    order_id: idOf('ord'),
    order_name: z.string(),
    mailpiece_id: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'TrackingEvent' });
export type TrackingEventDto = z.infer<typeof trackingEvent>;

/** Webhooks (api.md): `POST /api/v1/webhooks {url, events}`, signed deliveries, a delivery log. */
export const createWebhookBody = z.strictObject({
  url: z.string().trim().min(8).max(2000).meta({ description: 'https:// endpoint that receives a POST per event' }),
  events: z
    .array(z.enum(EVENT_PATTERNS_LIST))
    .min(1)
    .max(20)
    .meta({ description: 'event types (order.accepted, mailpiece.printed, …) or patterns (order.*, mailpiece.*, *)' }),
});

export const webhookSchema = z
  .object({ id: idOf('whk'), url: z.string(), events: z.array(z.string()), status: z.enum(['active']), created_at: timestamp })
  .meta({ id: 'Webhook' });

export const webhookCreated = webhookSchema
  .extend({ secret: z.string().meta({ description: 'shown once: verify `Pli-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`' }) })
  .meta({ id: 'WebhookCreated' });

export const webhookDelivery = z
  .object({
    id: idOf('dlv'),
    event_id: z.string(),
    event_type: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    last_attempt_at: timestamp.nullable(),
    next_attempt_at: timestamp.nullable(),
    delivered_at: timestamp.nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'WebhookDelivery' });

export const notificationSettings = z
  .strictObject({ events: z.array(z.enum(NOTIFIABLE_EVENTS)).max(NOTIFIABLE_EVENTS.length).meta({ description: 'events of your orders you are told of by e-mail' }) })
  .meta({ id: 'NotificationSettings' });
