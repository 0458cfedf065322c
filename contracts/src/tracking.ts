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

/**
 * The tracking tab (M-5.1, M-2.3): every mailpiece the caller may see — a client administrator
 * the organisation's, a user their own orders' — newest first, filtered, page by page.
 */
export const trackingFilter = z.strictObject({
  status: z.string().regex(/^[a-z_]{3,20}$/).optional(),
  kind: z.enum(['paper', 'electronic']).optional(),
  mail_class: z.enum(['priority', 'non_priority', 'registered', 'simple']).optional().meta({ description: 'paper: priority, non_priority, registered; e-letters: simple, registered' }),
  from: z.iso.date().optional().meta({ description: 'submitted on or after (YYYY-MM-DD, Paris)' }),
  to: z.iso.date().optional().meta({ description: 'submitted on or before (YYYY-MM-DD, Paris)' }),
  sender: z.string().regex(/^usr_[0-9a-z]{26}$/).optional().meta({ description: 'the user who created the order' }),
  recipient: z.string().trim().min(2).max(100).optional().meta({ description: 'part of the recipient’s name, address or e-mail' }),
  number: z.string().trim().min(4).max(40).optional().meta({ description: 'a registered number or an e-letter’s envoi number' }),
  q: z.string().trim().min(2).max(100).optional().meta({ description: 'searches the order’s name, the recipient and the numbers' }),
  organisation: z.string().regex(/^org_[0-9a-z]{26}$/).optional().meta({ description: 'provider staff: one client organisation' }),
});

export const trackingListQuery = trackingFilter.extend({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const trackedMailpiece = z
  .object({
    id: z.string(),
    status: z.string(),
    kind: z.enum(['paper', 'electronic']),
    mail_class: z.string().nullable(),
    recipient: z.object({ name: z.string().nullable(), address: z.array(z.string()), email: z.string().nullable() }),
    number: z.string().nullable().meta({ description: 'registered number (paper) or envoi number (e-letter)' }),
    order: z.object({ id: z.string(), name: z.string(), submitted_at: timestamp.nullable() }),
    sender: z.object({ id: z.string(), name: z.string() }),
    organisation: z.object({ id: z.string(), name: z.string() }),
    updated_at: timestamp,
  })
  .meta({ id: 'TrackedMailpiece' });

export const trackingList = z.object({ data: z.array(trackedMailpiece), next_cursor: z.string().nullable() }).meta({ id: 'TrackedMailpieceList' });

export type TrackingFilter = z.infer<typeof trackingFilter>;
export type TrackedMailpieceDto = z.infer<typeof trackedMailpiece>;
