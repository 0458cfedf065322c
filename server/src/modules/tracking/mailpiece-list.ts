import { sql, type Kysely } from 'kysely';
import { addDays, parisMidnight } from '#domain/time/paris.js';
import { isProviderRole } from '#domain/roles.js';
import type { TrackingFilter } from '#contracts/tracking.js';
import type { DB } from '../../platform/db/schema.js';
import { inScope, type Tx } from '../../platform/db/scope.js';
import { allPages, decodeCursor, toPage } from '../../platform/http/pagination.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';

/**
 * The tracking tab (M-5.1, M-2.3): the mailpieces the caller may see, paper and electronic,
 * newest first by keyset (`id` is time-ordered: a page costs the same at the millionth row).
 * A client administrator sees the organisation's, a user their own orders', provider staff all
 * (one organisation at a time when they ask). Row-level security stands behind the filters.
 */
export interface TrackedMailpiece {
  id: string;
  status: string;
  kind: 'paper' | 'electronic';
  mailClass: string | null;
  recipient: { name: string | null; address: string[]; email: string | null };
  number: string | null;
  order: { id: string; name: string; submittedAt: Date | null };
  sender: { id: string; name: string };
  organisation: { id: string; name: string };
  updatedAt: Date;
}

const like = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function filtered(tx: Tx, principal: UserPrincipal, f: TrackingFilter) {
  let q = tx
    .selectFrom('mailpieces as m')
    .innerJoin('orders as o', 'o.id', 'm.order_id')
    .innerJoin('users as u', 'u.id', 'o.created_by')
    .innerJoin('organisations as g', 'g.id', 'm.organisation_id')
    .leftJoin('eletters as e', 'e.mailpiece_id', 'm.id')
    .select([
      'm.id',
      'm.status',
      'm.recipient',
      'm.tracking_number',
      'm.updated_at',
      'o.id as order_id',
      'o.name as order_name',
      'o.kind',
      'o.submitted_at',
      sql<string | null>`o.options->>'mail_class'`.as('mail_class'),
      'u.id as sender_id',
      'u.name as sender_name',
      'g.id as organisation_id',
      'g.name as organisation_name',
      'e.envoi',
      'e.kind as eletter_kind',
      'e.recipient_name',
      'e.recipient_email',
    ]);
  if (!isProviderRole(principal.role)) q = q.where('m.organisation_id', '=', principal.organisationId);
  else if (f.organisation) q = q.where('m.organisation_id', '=', f.organisation);
  if (principal.role === 'client_user') q = q.where('o.created_by', '=', principal.userId);
  if (f.status) q = q.where('m.status', '=', f.status as never);
  if (f.kind) q = q.where('o.kind', '=', f.kind);
  if (f.mail_class === 'simple') q = q.where('e.kind', '=', 'simple');
  else if (f.mail_class === 'registered') q = q.where((eb) => eb.or([eb('e.kind', '=', 'registered'), eb(sql`o.options->>'mail_class'`, '=', 'registered')]));
  else if (f.mail_class) q = q.where('o.kind', '=', 'paper').where(sql`o.options->>'mail_class'`, '=', f.mail_class);
  if (f.from) q = q.where('o.submitted_at', '>=', parisMidnight(f.from));
  if (f.to) q = q.where('o.submitted_at', '<', parisMidnight(addDays(f.to, 1)));
  if (f.sender) q = q.where('o.created_by', '=', f.sender);
  if (f.number) {
    const n = f.number.replace(/\s+/g, '').toUpperCase();
    q = q.where((eb) => eb.or([eb('m.tracking_number', '=', n), eb('e.envoi', '=', n)]));
  }
  if (f.recipient) {
    const r = like(f.recipient);
    q = q.where((eb) => eb.or([eb(sql`m.recipient::text`, 'ilike', r), eb('e.recipient_name', 'ilike', r), eb('e.recipient_email', 'ilike', r)]));
  }
  if (f.q) {
    const r = like(f.q);
    q = q.where((eb) => eb.or([eb('o.name', 'ilike', r), eb(sql`m.recipient::text`, 'ilike', r), eb('e.recipient_name', 'ilike', r), eb('m.tracking_number', 'ilike', r), eb('e.envoi', 'ilike', r)]));
  }
  return q;
}

type Row = Awaited<ReturnType<ReturnType<typeof filtered>['executeTakeFirstOrThrow']>>;

const toTracked = (r: Row): TrackedMailpiece => ({
  id: r.id,
  status: r.status,
  kind: r.kind,
  mailClass: r.kind === 'electronic' ? r.eletter_kind : r.mail_class,
  recipient: { name: r.recipient_name ?? r.recipient.name ?? r.recipient.address[0] ?? null, address: r.recipient.address, email: r.recipient_email ?? r.recipient.email ?? null },
  number: r.tracking_number ?? r.envoi ?? null,
  order: { id: r.order_id, name: r.order_name, submittedAt: r.submitted_at },
  sender: { id: r.sender_id, name: r.sender_name },
  organisation: { id: r.organisation_id, name: r.organisation_name },
  updatedAt: r.updated_at,
});

export async function listTracked(db: Kysely<DB>, principal: UserPrincipal, f: TrackingFilter & { cursor?: string | undefined; limit: number }): Promise<{ data: TrackedMailpiece[]; next_cursor: string | null }> {
  const after = decodeCursor(f.cursor);
  const rows = await inScope(db, scopeOf(principal), (tx) => {
    let q = filtered(tx, principal, f).orderBy('m.id', 'desc').limit(f.limit + 1);
    if (after) q = q.where('m.id', '<', after);
    return q.execute();
  });
  const page = toPage(rows, f.limit);
  return { data: page.data.map(toTracked), next_cursor: page.next_cursor };
}

/** Every mailpiece the filter selects, newest first (the export streams it). */
export async function* allTracked(db: Kysely<DB>, principal: UserPrincipal, f: TrackingFilter): AsyncGenerator<TrackedMailpiece> {
  const rows = allPages((after, size) =>
    inScope(db, scopeOf(principal), (tx) => {
      const q = filtered(tx, principal, f).orderBy('m.id', 'desc').limit(size);
      return (after ? q.where('m.id', '<', after) : q).execute();
    }),
  );
  for await (const r of rows) yield toTracked(r);
}
