// Live tracking: GET /api/v1/events/stream (server-sent events), one EventSource per hook,
// closed when the component goes. The session cookie goes along (same origin). The browser
// reconnects by itself after a network cut and sends Last-Event-ID, so the server replays what
// was missed; `onOpen` is called at each (re)connection for whatever a page wants to read again.
import { EVENT_TYPES_LIST } from '#contracts/tracking-events.js';
import { useEffect, useRef, useState } from 'react';
import type { TrackingEventDto } from '#contracts/tracking.js';

export const EVENT_STREAM_URL = '/api/v1/events/stream';

/** One event as the server sends it (`data:`, contracts/tracking.ts), its `event:` line being `type`. */
export type TrackingEvent = TrackingEventDto;

// Server-sent events with an `event:` line reach only the listeners of that type (never
// `onmessage`): every type of the event log (contracts/src/tracking-events.ts) is listened to.
export const TRACKING_EVENT_TYPES: readonly string[] = EVENT_TYPES_LIST;

function parse(data: unknown): TrackingEvent | null {
  if (typeof data !== 'string') return null;
  try {
    const value = JSON.parse(data) as Partial<TrackingEvent>;
    return typeof value.id === 'string' && typeof value.type === 'string' && typeof value.order_id === 'string' ? (value as TrackingEvent) : null;
  } catch {
    return null;
  }
}

/**
 * Follows the caller's events while `enabled`; `connected` says whether the stream is open now
 * (for an "en direct" indicator). The callbacks may change on every render: the stream stays.
 */
export function useEventStream(onEvent: (event: TrackingEvent) => void, options: { enabled?: boolean; onOpen?: () => void } = {}): { connected: boolean } {
  const enabled = options.enabled ?? true;
  const [connected, setConnected] = useState(false);
  const handlers = useRef({ onEvent, onOpen: options.onOpen });
  useEffect(() => {
    handlers.current = { onEvent, onOpen: options.onOpen };
  });

  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource(EVENT_STREAM_URL);
    const receive = (message: MessageEvent) => {
      const event = parse(message.data);
      if (event) handlers.current.onEvent(event);
    };
    source.onopen = () => {
      setConnected(true);
      handlers.current.onOpen?.();
    };
    // CONNECTING again: the browser retries by itself. CLOSED (e.g. 401): it has given up.
    source.onerror = () => setConnected(false);
    for (const type of TRACKING_EVENT_TYPES) source.addEventListener(type, receive);
    source.addEventListener('message', receive);
    return () => {
      for (const type of TRACKING_EVENT_TYPES) source.removeEventListener(type, receive);
      source.removeEventListener('message', receive);
      source.close();
      setConnected(false);
    };
  }, [enabled]);

  return { connected };
}
