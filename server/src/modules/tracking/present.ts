import type { TrackingEventDto } from '#contracts/tracking.js';
import type { TrackingEvent } from './event-feed.js';

/** What a subscriber or a webhook receives: the event, never whose organisation or user it belongs to. */
export const presentEvent = (e: TrackingEvent): TrackingEventDto => ({ id: e.id, type: e.type, at: e.at, order_id: e.order_id, order_name: e.order_name, mailpiece_id: e.mailpiece_id, detail: e.detail });
