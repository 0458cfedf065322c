// The tracking tab (contracts/src/tracking.ts): every mailpiece the caller may see — a client
// administrator the organisation's, a user their own orders' — newest first, filtered, page by
// page, as CSV; and kept live by the event stream.
import type { TrackedMailpieceDto, TrackingFilter } from '#contracts/tracking.js';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import { useCursorList } from '../../lib/pages';
import { useEventStream } from '../../lib/use-event-stream';

export type TrackedMailpiece = TrackedMailpieceDto;

/** The filters the page keeps in its URL: the API's, less the provider's `organisation`. */
export type TrackingFilters = Omit<TrackingFilter, 'organisation'>;
export type TrackingFilterName = keyof TrackingFilters;

export const FILTER_NAMES: readonly TrackingFilterName[] = ['q', 'status', 'kind', 'mail_class', 'from', 'to', 'sender', 'recipient', 'number'];

export const PAPER_STATUSES = ['pending', 'printed', 'inserted', 'franked', 'deposited', 'delivered', 'returned', 'ar_received'] as const;
export const ELETTER_STATUSES = ['pending', 'notified', 'opened', 'accepted', 'refused', 'expired', 'fallback_paper'] as const;
export const KINDS = ['paper', 'electronic'] as const;
export const PAPER_CLASSES = ['priority', 'non_priority', 'registered'] as const;
export const ELETTER_CLASSES = ['simple', 'registered'] as const;
export const MAIL_CLASSES = ['priority', 'non_priority', 'registered', 'simple'] as const;

/** The shortest text the API takes for each free-text filter (it answers 400 below). */
export const MIN_LENGTH = { q: 2, recipient: 2, number: 4 } as const;

const trackingKey = ['tracking', 'mailpieces'] as const;

function filterQuery(filter: TrackingFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) {
    const value = filter[name];
    if (value) params.set(name, value);
  }
  return params;
}

export function useTrackedMailpieces(filter: TrackingFilters) {
  const params = filterQuery(filter);
  params.set('limit', '50');
  return useCursorList<TrackedMailpiece>([...trackingKey, filter], `/api/v1/tracking/mailpieces?${params}`);
}

/** The CSV of the mailpieces the filters show, every page of it (a plain link: the session cookie goes along). */
export function trackingExportUrl(filter: TrackingFilters): string {
  const params = filterQuery(filter).toString();
  return `/api/v1/tracking/mailpieces/export${params ? `?${params}` : ''}`;
}

/** A batch of events (a whole batch scanned) is read as one: the list is read again this long after the first. */
const LIVE_GATHER_MS = 300;

/**
 * Keeps the list live: an event about a listed mailpiece or order (or a new mailpiece of one)
 * reads the list again, and the order's cached reads (an open « Historique »). At each
 * (re)connection the list is read again, for what happened meanwhile.
 */
export function useLiveTracking(listed: readonly TrackedMailpiece[]): { connected: boolean } {
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const shown = useRef(listed);
  useEffect(() => {
    shown.current = listed;
  });

  const refresh = useCallback(
    (orderId: string | null) => {
      if (orderId) void queryClient.invalidateQueries({ queryKey: ['order', orderId] });
      if (timer.current !== null) return;
      timer.current = setTimeout(() => {
        timer.current = null;
        void queryClient.invalidateQueries({ queryKey: trackingKey });
      }, LIVE_GATHER_MS);
    },
    [queryClient],
  );
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
    },
    [],
  );

  return useEventStream(
    (event) => {
      const concerned = shown.current.some((m) => m.order.id === event.order_id || m.id === event.mailpiece_id);
      // A newly submitted order's mailpieces belong at the top of the list.
      if (concerned || event.type === 'order.submitted' || event.type === 'order.accepted') refresh(event.order_id);
    },
    { onOpen: () => refresh(null) },
  );
}
