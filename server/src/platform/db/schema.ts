import type { ColumnType, Insertable, Selectable } from 'kysely';
import type { EletterKind, EletterStatus } from '#domain/eletters/eletter.js';

/** Kysely's view of the tables (kept by hand beside the migrations that create them). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export type OrganisationKind = 'provider' | 'client';
export type OrganisationStatus = 'active' | 'suspended';
export type Role = 'provider_admin' | 'operator' | 'support_agent' | 'client_admin' | 'client_user';
export type UserStatus = 'invited' | 'active' | 'deactivated';

export interface OrganisationsTable {
  id: string;
  kind: OrganisationKind;
  name: string;
  status: ColumnType<OrganisationStatus, OrganisationStatus | undefined, OrganisationStatus>;
  created_at: Timestamp;
}

export interface ContractOptions {
  undelivered_mail: boolean;
  simple_archive: boolean;
  electronic_archive: boolean;
  user_assistance: boolean;
}

export interface ContractsTable {
  id: string;
  organisation_id: string;
  starts_on: ColumnType<string, string, string>;
  ends_on: ColumnType<string | null, string | null | undefined, string | null>;
  onboarding_ends_on: ColumnType<string | null, string | null | undefined, string | null>;
  options: Json<ContractOptions>;
  created_at: Timestamp;
}

export interface UsersTable {
  id: string;
  organisation_id: string;
  email: string;
  name: string;
  role: Role;
  status: ColumnType<UserStatus, UserStatus | undefined, UserStatus>;
  password_hash: ColumnType<string | null, string | null | undefined, string | null>;
  locale: ColumnType<'fr' | 'en', 'fr' | 'en' | undefined, 'fr' | 'en'>;
  notify_events: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Timestamp;
  /** Encrypted with the data directory's secret box (platform/crypto/secret-box.ts). */
  totp_secret: ColumnType<string | null, string | null | undefined, string | null>;
  totp_enabled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  recovery_code_hashes: ColumnType<string[], string | undefined, string>;
  failed_sign_ins: ColumnType<number, number | undefined, number>;
  locked_until: ColumnType<Date | null, Date | null | undefined, Date | null>;
  password_changed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  last_sign_in_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface ApiKeysTable {
  id: string;
  organisation_id: string;
  user_id: string;
  name: string;
  secret_hash: string;
  created_at: Timestamp;
  last_used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface OutboxMessagesTable {
  id: string;
  organisation_id: ColumnType<string | null, string | null | undefined, string | null>;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: ColumnType<string | null, string | null | undefined, string | null>;
  template: ColumnType<string | null, string | null | undefined, string | null>;
  /** queued → sent (SMTP accepted it, or it was kept in the built-in outbox) | failed */
  status: ColumnType<'queued' | 'sent' | 'failed', 'queued' | 'sent' | 'failed' | undefined, 'queued' | 'sent' | 'failed'>;
  transport: ColumnType<'smtp' | 'outbox' | null, 'smtp' | 'outbox' | null | undefined, 'smtp' | 'outbox' | null>;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  sent_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: Timestamp;
  /** migration 0019: text messages (the second channel) queue beside e-mails. */
  channel: ColumnType<'email' | 'sms', 'email' | 'sms' | undefined, 'email' | 'sms'>;
}

export interface IdempotencyKeysTable {
  organisation_id: string;
  principal_id: string;
  key: string;
  request_hash: string;
  status_code: ColumnType<number | null, number | null | undefined, number | null>;
  response_body: ColumnType<unknown, string | null | undefined, string | null>;
  /** The request holding the claim; only it records the answer. */
  claim_token: ColumnType<string, string | undefined, string>;
  created_at: Timestamp;
}

export type SessionStage = 'signed_in' | 'totp_required' | 'totp_enrollment';

export interface SessionsTable {
  /** SHA-256 of the cookie's token: a stolen database does not yield usable cookies. */
  id: string;
  user_id: string;
  organisation_id: string;
  stage: SessionStage;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ended_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  ip: ColumnType<string | null, string | null | undefined, string | null>;
  user_agent: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface UserTokensTable {
  /** SHA-256 of the token sent by e-mail. */
  id: string;
  user_id: string;
  organisation_id: string;
  kind: 'activation' | 'password_reset';
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface AccountImportRowRecord {
  line: number;
  name: string;
  email: string;
  role: 'client_admin' | 'client_user' | null;
  outcome: 'create' | 'already_present' | 'error' | 'created';
  reason: string | null;
  code: string | null;
}

export interface AccountImportsTable {
  id: string;
  organisation_id: string;
  filename: string;
  file_sha256: string;
  created_by: string;
  created_at: Timestamp;
  applied_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  rows: ColumnType<AccountImportRowRecord[], string, string>;
}

export interface AuditEventsTable {
  id: string;
  organisation_id: ColumnType<string | null, string | null | undefined, string | null>;
  actor_user_id: ColumnType<string | null, string | null | undefined, string | null>;
  action: string;
  subject_id: ColumnType<string | null, string | null | undefined, string | null>;
  detail: ColumnType<Record<string, unknown>, string | undefined, never>;
  ip: ColumnType<string | null, string | null | undefined, string | null>;
  at: Timestamp;
}

export interface DocumentAddress {
  lines: string[];
  problems: Array<{ code: string; line: number | null; message: string; suggestion?: string; severity?: 'error' | 'warning' }>;
}

export interface DocumentsTable {
  id: string;
  organisation_id: string;
  created_by: string;
  filename: string;
  status: 'converting' | 'ready' | 'failed';
  /** The stored PDF's (for office files: the converted PDF's); the object key in storage. */
  sha256: ColumnType<string | null, string | null | undefined, string | null>;
  size_bytes: ColumnType<number | null, number | null | undefined, number | null>;
  source_sha256: ColumnType<string | null, string | null | undefined, string | null>;
  source_size_bytes: ColumnType<number | null, number | null | undefined, number | null>;
  source_kind: 'pdf' | 'docx' | 'doc' | 'odt' | 'rtf' | 'txt';
  pages: ColumnType<number | null, number | null | undefined, number | null>;
  address: ColumnType<DocumentAddress | null, string | null | undefined, string | null>;
  warnings: ColumnType<string[], string | undefined, string>;
  failure_reason: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  ready_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  page_windows: ColumnType<string[][] | null, string | null | undefined, string | null>;
}

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

/** migration 0018: one archived file, simple or electronic (modules/archive). */
export interface ArchiveItemsTable {
  id: string;
  organisation_id: string;
  tier: 'simple' | 'electronic';
  kind: 'deposit' | 'sent_file' | 'deposit_slip' | 'proof_of_receipt' | 'returned_letter';
  owner_user_id: Nullable<string>;
  order_id: Nullable<string>;
  title: string;
  filename: string;
  content_type: string;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  fields: ColumnType<Record<string, string>, string | undefined, string>;
  sha256: string;
  sha3_256: string;
  size_bytes: ColumnType<number, number, number>;
  text_content: Nullable<string>;
  search_text: ColumnType<string, string | undefined, string>;
  deposited_at: Timestamp;
  retention_years: Nullable<number>;
  retain_until: Nullable<Date>;
  timestamp_token: Nullable<Uint8Array>;
  /** The token's genTime, read once at deposit. */
  timestamped_at: Nullable<Date>;
  deposit_seq: ColumnType<number, number, number>;
  certificate_sha256: Nullable<string>;
  status: ColumnType<'kept' | 'destruction_proposed' | 'destroyed', 'kept' | undefined, 'kept' | 'destruction_proposed' | 'destroyed'>;
  legal_hold_reason: Nullable<string>;
  legal_hold_at: Nullable<Date>;
  legal_hold_by: Nullable<string>;
  destruction_proposed_at: Nullable<Date>;
  destruction_proposed_by: Nullable<string>;
  destroyed_at: Nullable<Date>;
  destroyed_by: Nullable<string>;
  destruction_certificate_sha256: Nullable<string>;
}

export interface TariffsTable {
  id: string;
  organisation_id: ColumnType<string | null, string | null | undefined, string | null>;
  effective_from: ColumnType<string, string, string>;
  tariff: ColumnType<unknown, string, string>;
  created_by: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
}

export type OrderStatus = 'draft' | 'submitted' | 'accepted' | 'refused' | 'cancelled' | 'in_production' | 'completed';

export interface OrdersTable {
  id: string;
  organisation_id: string;
  created_by: string;
  kind: 'paper' | 'electronic';
  name: string;
  status: OrderStatus;
  documents: ColumnType<string[], string, string>;
  options: ColumnType<Record<string, unknown>, string, string>;
  address_source: 'document' | 'recipients';
  split: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  /** Paper: addresses; electronic: e-letter recipients (contracts/orders.ts). */
  recipients: ColumnType<Array<{ address: string[]; country: string } & Record<string, unknown>>, string | undefined, string>;
  quote: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  delivery_estimate: ColumnType<string | null, string | null | undefined, string | null>;
  letters: ColumnType<number, number | undefined, number>;
  purchase_order_sha256: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
  submitted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  accepted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  refusal_reason: ColumnType<string | null, string | null | undefined, string | null>;
  decided_by: ColumnType<string | null, string | null | undefined, string | null>;
  /** migration 0019: an electronic order's paper fallback set-up. */
  fallback: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  /** migration 0019: the e-letter mailpiece whose paper fallback this order is. */
  fallback_of: ColumnType<string | null, string | null | undefined, string | null>;
  /** migration 0020: the returned mailpiece this order sends again to a corrected address. */
  resend_of: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface MailpiecesTable {
  id: string;
  organisation_id: string;
  order_id: string;
  number: number;
  status: 'pending' | 'printed' | 'inserted' | 'franked' | 'deposited' | 'delivered' | 'returned' | 'ar_received' | Exclude<EletterStatus, 'pending'>;
  recipient: ColumnType<{ address: string[]; country: string; name?: string; email?: string }, string, string>;
  first_page: number;
  last_page: number;
  sheets: number;
  weight_mg: number;
  postage_step: string;
  carrier_sheet: boolean;
  tracking_number: ColumnType<string | null, string | null | undefined, string | null>;
  postage_cents: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OrderEventsTable {
  id: string;
  organisation_id: string;
  order_id: string;
  mailpiece_id: ColumnType<string | null, string | null | undefined, string | null>;
  type: string;
  detail: ColumnType<Record<string, unknown>, string | undefined, never>;
  actor_user_id: ColumnType<string | null, string | null | undefined, string | null>;
  at: Timestamp;
  /** The writing transaction's id (set by the database). */
  tx: ColumnType<string, never, never>;
}

export interface ProductionRulesTable {
  id: string;
  effective_from: ColumnType<string, string, string>;
  rules: ColumnType<unknown, string, string>;
  created_by: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
}

export interface FloorSettingsTable {
  id: ColumnType<boolean, boolean | undefined, never>;
  settings: ColumnType<Record<string, unknown>, string, string>;
  last_cutoff: ColumnType<string | null, string | null | undefined, string | null>;
  updated_by: ColumnType<string | null, string | null | undefined, string | null>;
  updated_at: Timestamp;
}

export type BatchStatus = 'building' | 'ready_to_print' | 'printed' | 'inserted' | 'franked' | 'deposited';

export interface PrintFilePart {
  part: number;
  sha256: string;
  sheets: number;
  pages: number;
}

export interface PrintFiles {
  /** The batch sheet (job ticket). */
  ticket: string;
  parts: PrintFilePart[];
  /** Registered batches: the coupons (and AR cards) to print. */
  labels?: string;
}

export interface BatchesTable {
  id: string;
  number: ColumnType<string, never, never>;
  production_key: string;
  attributes: ColumnType<Record<string, unknown>, string, string>;
  status: BatchStatus;
  mailpieces: ColumnType<number, number | undefined, number>;
  sheets: ColumnType<number, number | undefined, number>;
  closed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  print_files: ColumnType<PrintFiles | null, string | null | undefined, string | null>;
  postage_cents: ColumnType<string | null, number | null | undefined, number | null>;
  deposit_slip: ColumnType<DepositSlipRecord | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DepositSlipRecord {
  sha256: string;
  prepared_at: string;
  confirmed_at: string | null;
  confirmed_by: string | null;
}

export interface RegisteredRangesTable {
  id: string;
  prefix: string;
  first_serial: ColumnType<string, number, number>;
  last_serial: ColumnType<string, number, number>;
  next_serial: ColumnType<string, number, number>;
  status: 'ready' | 'active' | 'used_up' | 'withdrawn';
  created_by: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
}

export interface BatchMailpiecesTable {
  mailpiece_id: string;
  batch_id: string;
  position: number;
}

export interface PrintedSheetsTable {
  mailpiece_id: string;
  sheet: number;
  scanned_by: ColumnType<string | null, string | null | undefined, string | null>;
  at: Timestamp;
}

export interface BatchEventsTable {
  id: string;
  batch_id: string;
  type: string;
  detail: ColumnType<Record<string, unknown>, string | undefined, never>;
  actor_user_id: ColumnType<string | null, string | null | undefined, string | null>;
  at: Timestamp;
}

export interface WebhooksTable {
  id: string;
  organisation_id: string;
  url: string;
  events: ColumnType<string[], string[], string[]>;
  secret_sealed: string;
  status: 'active' | 'deleted';
  created_by: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
}

export interface WebhookDeliveriesTable {
  id: string;
  organisation_id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  status: 'pending' | 'delivered' | 'failed';
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  last_status_code: ColumnType<number | null, number | null | undefined, number | null>;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  last_attempt_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  delivered_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: Timestamp;
}

export interface WebhookDispatchTable {
  id: ColumnType<boolean, boolean | undefined, never>;
  tx: ColumnType<string, string, string>;
  event_id: string;
}

export interface MigrationsTable {
  id: string;
  applied_at: Timestamp;
}

/** migration 0019: the e-letter beside its mailpiece (modules/eletters). */
export interface EletterTable {
  mailpiece_id: string;
  organisation_id: string;
  order_id: string;
  envoi: string;
  kind: EletterKind;
  recipient_email: string;
  recipient_name: string;
  recipient_phone: string | null;
  recipient_kind: 'consumer' | 'professional';
  consent_ref: string | null;
  link_hash: string;
  code_hash: string | null;
  code_used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  failed_attempts: ColumnType<number, number | undefined, number>;
  locked_until: ColumnType<Date | null, Date | null | undefined, Date | null>;
  notified_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  deadline_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  next_reminder_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  reminders_sent: ColumnType<number, number | undefined, number>;
  fallback_after_days: number | null;
  identity: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  decided_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  notification_message_id: ColumnType<string | null, string | null | undefined, string | null>;
  evidence_head: ColumnType<string | null, string | null | undefined, string | null>;
  evidence_count: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EletterEvidenceTable {
  id: string;
  organisation_id: string;
  mailpiece_id: string;
  seq: number;
  event: string;
  at: Timestamp;
  record: string;
  /** The record's SHA-256 (hex): what the next record's `previous` names. */
  record_digest: string;
  previous: string | null;
  seal: Uint8Array;
  timestamp_token: Uint8Array;
  journal_seq: ColumnType<string, number | string, never>;
  retain_until: ColumnType<string, string, never>;
}

export interface RecipientSessionsTable {
  id: string;
  organisation_id: string;
  mailpiece_id: string;
  token_hash: string;
  csrf_token: string;
  stage: 'identity' | 'second_factor' | 'open';
  identity_check: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  otp_hash: ColumnType<string | null, string | null | undefined, string | null>;
  otp_expires_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  otp_attempts: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  expires_at: Timestamp;
  ended_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** migration 0020: a returned letter or an AR card, scanned at the returns desk (modules/returns). */
export interface MailpieceReturnsTable {
  id: string;
  organisation_id: string;
  order_id: string;
  mailpiece_id: string;
  kind: 'returned' | 'ar';
  reason: 'address_error' | 'not_claimed' | 'refused' | null;
  scan_sha256: string;
  scan_content_type: string;
  scan_size_bytes: ColumnType<string, number, never>;
  scan_filename: string;
  recorded_by: string;
  received_at: Timestamp;
}

/** migration 0020: an address a letter came back from, in its organisation's address book. */
export interface AddressFlagsTable {
  id: string;
  organisation_id: string;
  address_key: string;
  address: ColumnType<{ lines: string[]; country: string; name?: string }, string, never>;
  reason: 'address_error' | 'not_claimed' | 'refused';
  mailpiece_id: string;
  flagged_at: Timestamp;
  cleared_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  cleared_by: ColumnType<string | null, string | null | undefined, string | null>;
}

/** migration 0020: a registered number followed through La Poste's tracking (modules/postal-tracking). */
export interface PostalTrackingTable {
  mailpiece_id: string;
  organisation_id: string;
  tracking_number: string;
  deposited_at: Timestamp;
  next_poll_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  failures: ColumnType<number, number | undefined, number>;
  polls: ColumnType<number, number | undefined, number>;
  last_polled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  last_outcome: ColumnType<string | null, string | null | undefined, string | null>;
  final: ColumnType<boolean, boolean | undefined, boolean>;
  delivered_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface PostalEventsTable {
  id: string;
  organisation_id: string;
  mailpiece_id: string;
  code: string;
  label: string;
  at: Timestamp;
  received_at: Timestamp;
}

export interface ChaseFlagsTable {
  id: string;
  organisation_id: string;
  mailpiece_id: string;
  kind: 'no_delivery' | 'no_ar';
  flagged_at: Timestamp;
  resolved_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface DB {
  organisations: OrganisationsTable;
  contracts: ContractsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  outbox_messages: OutboxMessagesTable;
  idempotency_keys: IdempotencyKeysTable;
  sessions: SessionsTable;
  user_tokens: UserTokensTable;
  account_imports: AccountImportsTable;
  audit_events: AuditEventsTable;
  documents: DocumentsTable;
  tariffs: TariffsTable;
  orders: OrdersTable;
  mailpieces: MailpiecesTable;
  order_events: OrderEventsTable;
  floor_settings: FloorSettingsTable;
  production_rules: ProductionRulesTable;
  batches: BatchesTable;
  batch_mailpieces: BatchMailpiecesTable;
  batch_events: BatchEventsTable;
  printed_sheets: PrintedSheetsTable;
  registered_ranges: RegisteredRangesTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_dispatch: WebhookDispatchTable;
  archive_items: ArchiveItemsTable;
  eletters: EletterTable;
  eletter_evidence: EletterEvidenceTable;
  recipient_sessions: RecipientSessionsTable;
  mailpiece_returns: MailpieceReturnsTable;
  address_flags: AddressFlagsTable;
  postal_tracking: PostalTrackingTable;
  postal_events: PostalEventsTable;
  chase_flags: ChaseFlagsTable;
  pli_migrations: MigrationsTable;
}

export type Organisation = Selectable<OrganisationsTable>;
export type User = Selectable<UsersTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type NewUser = Insertable<UsersTable>;
