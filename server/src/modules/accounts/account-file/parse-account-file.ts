import { z } from 'zod';
import type { ClientRole } from '#domain/roles.js';
import { AppError, message, type FieldError } from '../../../errors.js';
import { and, type Message, type Param } from '../../../i18n/index.js';
import { readCsv, type CsvEncoding, type CsvSeparator } from './csv-grid.js';
import { businessRule, cleanCell, columnLetter, formatSize, quote, quoted, type GridRow } from './grid.js';
import { looksLikeZip, readXlsx } from './xlsx-grid.js';

/**
 * The client's file of administrators and users (spec M-2.1), read into rows the provider
 * administrator can review before any account is created. Pure: bytes in, rows or an AppError
 * out; nothing here touches the database.
 *
 * Every refusal of the whole file is an AppError whose detail is an English sentence the person
 * can act on; every refused row carries a `code` (translated on the web side) and a sentence.
 */

export type AccountRowErrorCode =
  | 'name_missing'
  | 'email_missing'
  | 'email_invalid'
  | 'role_missing'
  | 'role_unknown'
  | 'role_not_client'
  | 'duplicate_in_file';

export const ACCOUNT_ROW_ERROR_CODES: readonly AccountRowErrorCode[] = [
  'name_missing',
  'email_missing',
  'email_invalid',
  'role_missing',
  'role_unknown',
  'role_not_client',
  'duplicate_in_file',
];

export interface AccountFileRow {
  /** The row number the person sees in their spreadsheet (line 1 holds the headings). */
  line: number;
  /** "Prénom Nom", spaces collapsed; as written in the file otherwise (capitals kept). */
  name: string;
  /** Trimmed and lower-cased, even when invalid (so it can be shown). */
  email: string;
  role: ClientRole | null;
  error: { code: AccountRowErrorCode; message: string } | null;
}

export interface ParsedAccountFile {
  format: 'csv' | 'xlsx';
  encoding: CsvEncoding | null;
  separator: CsvSeparator | null;
  rows: AccountFileRow[];
}

export type AccountFileLimits = Readonly<{ maxBytes: number; maxRows: number; maxXlsxUncompressedBytes: number; maxXlsxRatio: number }>;

export const ACCOUNT_FILE_LIMITS: AccountFileLimits = Object.freeze({
  maxBytes: 5 * 1024 * 1024,
  maxRows: 5000,
  maxXlsxUncompressedBytes: 50 * 1024 * 1024,
  maxXlsxRatio: 100,
});


/* ------------------------------------------------------------------ headings */

type ColumnKind = 'last_name' | 'first_name' | 'full_name' | 'email' | 'role';

/** Accepted headings, as shown in messages; matching ignores case, accents, spaces, punctuation
 * and a parenthesised remark ("Adresse e-mail (obligatoire)", "E-mail *"). */
const HEADINGS: Record<ColumnKind, readonly string[]> = {
  last_name: ['Nom', 'Nom de famille', 'Last name', 'Surname', 'Family name'],
  first_name: ['Prénom', 'First name', 'Given name'],
  full_name: ['Nom complet', 'Nom et prénom', 'Prénom et nom', 'Name', 'Full name'],
  email: ['Adresse e-mail', 'E-mail', 'Email', 'Courriel', 'Mail', 'Adresse mail', 'Adresse électronique', 'Mél', 'E-mail address'],
  role: ['Rôle', 'Role', 'Profil', 'Profile', 'Type de compte'],
};

function foldKey(value: string): string {
  return cleanCell(value)
    .replace(/\([^)]*\)/g, '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const KIND_BY_KEY = new Map<string, ColumnKind>();
for (const [kind, headings] of Object.entries(HEADINGS) as Array<[ColumnKind, readonly string[]]>) {
  for (const h of headings) KIND_BY_KEY.set(foldKey(h), kind);
}

const KIND_LABEL = {
  last_name: message('column.last_name'),
  first_name: message('column.first_name'),
  full_name: message('column.full_name'),
  name: message('column.name'),
  email: message('column.email'),
  role: message('column.role'),
} satisfies Record<ColumnKind | 'name', Message>;

type Columns = Partial<Record<ColumnKind, number>>;

function classify(cells: readonly string[]): Map<ColumnKind, number[]> {
  const found = new Map<ColumnKind, number[]>();
  cells.forEach((cell, i) => {
    const kind = KIND_BY_KEY.get(foldKey(cell));
    if (kind) found.set(kind, [...(found.get(kind) ?? []), i]);
  });
  return found;
}

/** How many rows from the top may precede the headings (a title, a date, a blank template row). */
const HEADER_SEARCH_ROWS = 10;

function findColumns(rows: readonly GridRow[], separatorMissing: boolean): { headerIndex: number; columns: Columns } {
  let headerIndex = rows.findIndex((r, i) => i < HEADER_SEARCH_ROWS && classify(r.cells).has('email'));
  if (headerIndex < 0) headerIndex = 0;
  const header = rows[headerIndex]!;
  const found = classify(header.cells);

  for (const [kind, indexes] of found) {
    if (indexes.length > 1) {
      const letters = indexes.map(columnLetter);
      throw businessRule(message('file.duplicate_column', { count: indexes.length, column: KIND_LABEL[kind], columns: and(letters), line: String(header.line) }), {
        errors: [{ field: kind, message: message('field.in_columns', { columns: letters }) }],
      });
    }
  }
  const columns: Columns = {};
  for (const [kind, [index]] of found) columns[kind] = index;

  const missing: Array<ColumnKind | 'name'> = [];
  if (columns.full_name === undefined) {
    if (columns.first_name === undefined && columns.last_name === undefined) missing.push('name');
    else if (columns.first_name === undefined) missing.push('first_name');
    else if (columns.last_name === undefined) missing.push('last_name');
  }
  if (columns.email === undefined) missing.push('email');
  if (columns.role === undefined) missing.push('role');
  if (missing.length === 0) return { headerIndex, columns };

  const headings = header.cells.map(cleanCell).filter((c) => c !== '');
  const shown: Param[] = headings.slice(0, 12).map((h) => quoted(h, 40));
  if (headings.length > 12) shown.push('…');
  const foundSentence = headings.length > 0 ? message('file.found_headings', { headings: shown }) : message('file.found_no_headings');
  const hint = headings.some((h) => EMAIL_SYNTAX.test(h.toLowerCase()))
    ? message('file.hint_person_line', { line: String(header.line) })
    : separatorMissing && headings.length <= 1
      ? message('file.hint_no_separator')
      : undefined;
  const columnsMissing = { count: missing.length, columns: and(missing.map((k) => KIND_LABEL[k])), found: foundSentence };
  const errors: FieldError[] = missing.map((k) => ({
    field: k,
    message:
      k === 'name'
        ? message('field.no_name_column', { headings: [...HEADINGS.last_name, ...HEADINGS.first_name, ...HEADINGS.full_name] })
        : message('field.no_column', { column: KIND_LABEL[k], headings: [...HEADINGS[k]] }),
  }));
  const sentence = hint ? message('file.missing_columns_hint', { ...columnsMissing, hint }) : message('file.missing_columns', columnsMissing);
  throw businessRule(sentence, { errors, extra: { missing, found: headings } });
}

/* ------------------------------------------------------------------ cells */

// The same syntax the account contracts check (z.email()), so a row accepted here is never refused
// when the account is created.
const EMAIL_SYNTAX = z.regexes.email;
const EMAIL_MAX = 254;

function emailProblem(raw: string): string | null {
  const email = raw.toLowerCase();
  if (email.length <= EMAIL_MAX && EMAIL_SYNTAX.test(email)) return null;
  const ats = email.split('@').length - 1;
  if (ats === 0) return 'it has no "@"';
  if (ats > 1) return 'it has more than one "@"';
  if (/\s/.test(email)) return 'it contains a space';
  if (email.length > EMAIL_MAX) return `it is longer than ${EMAIL_MAX} characters`;
  const [local = '', domain = ''] = email.split('@');
  if (local === '') return 'nothing comes before the "@"';
  if (!/\.[a-z]{2,}$/.test(domain)) return 'what follows the "@" is not a complete domain such as "mairie.fr"';
  const odd = /[^a-z0-9_'+\-.@]/.exec(email);
  if (odd) return `it contains "${odd[0]}", which e-mail addresses cannot use`;
  if (email.includes('..') || local.startsWith('.') || local.endsWith('.') || domain.startsWith('.')) return 'it has a misplaced dot';
  return 'check how it is written';
}

const CLIENT_ROLE_WORDS = new Map<string, ClientRole>([
  ['administrateur', 'client_admin'],
  ['administratrice', 'client_admin'],
  ['admin', 'client_admin'],
  ['administrator', 'client_admin'],
  ['clientadmin', 'client_admin'],
  ['utilisateur', 'client_user'],
  ['utilisatrice', 'client_user'],
  ['user', 'client_user'],
  ['clientuser', 'client_user'],
]);

/** Provider staff roles: a client's file naming one is a mistake worth its own message, not an
 * "unknown role" (and never an escalation path). */
const PROVIDER_ROLE_WORDS = new Set(['provideradmin', 'operator', 'operateur', 'operatrice', 'supportagent', 'support', 'agentdesupport']);

const USE_CLIENT_ROLES = 'write "administrateur" or "utilisateur" (or "admin", "user")';

function mapRole(raw: string): { role: ClientRole | null; error: AccountFileRow['error'] } {
  if (raw === '') return { role: null, error: { code: 'role_missing', message: `The role is missing: ${USE_CLIENT_ROLES}.` } };
  const key = foldKey(raw);
  const role = CLIENT_ROLE_WORDS.get(key);
  if (role) return { role, error: null };
  if (PROVIDER_ROLE_WORDS.has(key)) {
    return {
      role: null,
      error: { code: 'role_not_client', message: `The role ${quote(raw)} belongs to the provider's staff and cannot be given to a client's account: ${USE_CLIENT_ROLES}.` },
    };
  }
  return { role: null, error: { code: 'role_unknown', message: `The role ${quote(raw)} is not one Pli knows: ${USE_CLIENT_ROLES}.` } };
}

/* ------------------------------------------------------------------ rows */

function buildRows(dataRows: readonly GridRow[], columns: Columns): AccountFileRow[] {
  const cell = (row: GridRow, index: number | undefined): string => (index === undefined ? '' : cleanCell(row.cells[index] ?? ''));
  const firstLineOf = new Map<string, number>();
  const nameHint = columns.first_name !== undefined && columns.last_name !== undefined ? 'fill in the first and last name' : 'fill in the name';
  return dataRows.map((row): AccountFileRow => {
    const name = `${cell(row, columns.first_name)} ${cell(row, columns.last_name)}`.trim() || cell(row, columns.full_name);
    const rawEmail = cell(row, columns.email);
    const email = rawEmail.toLowerCase();
    const { role, error: roleError } = mapRole(cell(row, columns.role));

    let error: AccountFileRow['error'] = null;
    if (email === '') {
      error = { code: 'email_missing', message: 'The e-mail address is missing.' };
    } else {
      const problem = emailProblem(rawEmail);
      if (problem !== null) {
        error = { code: 'email_invalid', message: `The e-mail address ${quote(rawEmail)} is not valid: ${problem}.` };
      } else {
        const first = firstLineOf.get(email);
        if (first === undefined) firstLineOf.set(email, row.line);
        // A duplicate is reported before the row's other problems: the fix is to delete the row.
        else error = { code: 'duplicate_in_file', message: `The e-mail address ${quote(email)} is already on line ${first}.` };
      }
    }
    if (!error && name === '') error = { code: 'name_missing', message: `The name is missing: ${nameHint}.` };
    if (!error) error = roleError;
    return { line: row.line, name, email, role, error };
  });
}

/* ------------------------------------------------------------------ entry point */

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
// A password-protected .xlsx is not a ZIP: Office wraps it in the same container as an old .xls,
// with a stream named "EncryptedPackage" (UTF-16LE in the container's directory).
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');

export function parseAccountFile(bytes: Uint8Array, filename: string, limits: AccountFileLimits = ACCOUNT_FILE_LIMITS): ParsedAccountFile {
  if (bytes.length === 0) throw businessRule('file.empty');
  if (bytes.length > limits.maxBytes) {
    throw new AppError('payload_too_large', message('file.too_large', { size: formatSize(bytes.length, true), max: formatSize(limits.maxBytes) }));
  }
  try {
    let format: ParsedAccountFile['format'];
    // `total` counts every non-blank row; `rows` may stop short of it when the file is too big anyway.
    let grid: { rows: GridRow[]; total: number; encoding: CsvEncoding | null; separator: CsvSeparator | null };
    if (looksLikeZip(bytes)) {
      format = 'xlsx';
      grid = { ...readXlsx(bytes, filename, limits, limits.maxRows + HEADER_SEARCH_ROWS + 1), encoding: null, separator: null };
    } else if (startsWith(bytes, OLE_MAGIC)) {
      if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(ENCRYPTED_PACKAGE)) {
        throw new AppError('unsupported_media_type', 'file.password_protected');
      }
      throw new AppError('unsupported_media_type', 'file.old_excel');
    } else if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) {
      throw new AppError('unsupported_media_type', 'file.pdf_not_list');
    } else {
      format = 'csv';
      const csv = readCsv(bytes);
      grid = { ...csv, total: csv.rows.length };
    }

    if (grid.rows.length === 0) {
      throw businessRule(format === 'xlsx' ? 'file.first_sheet_empty' : 'file.empty');
    }
    const { headerIndex, columns } = findColumns(grid.rows, format === 'csv' && grid.separator === null);
    const people = grid.total - headerIndex - 1;
    // Counted on the raw grid, before any row object is built: a too-big file is refused fast.
    if (people > limits.maxRows) {
      throw businessRule(message('file.too_many_people', { count: people, max: limits.maxRows }), { extra: { rows: people, max_rows: limits.maxRows } });
    }
    const dataRows = grid.rows.slice(headerIndex + 1);
    // A header without people is refused rather than returned as zero rows: an import that would
    // create nothing is always the wrong file or the wrong sheet, and the person should hear so.
    if (dataRows.length === 0) {
      throw businessRule(message('file.headings_without_people', { line: String(grid.rows[headerIndex]!.line) }));
    }
    return { format, encoding: grid.encoding, separator: grid.separator, rows: buildRows(dataRows, columns) };
  } catch (e) {
    if (e instanceof AppError) throw e;
    // Never a library's raw exception in front of the person.
    throw businessRule('file.unreadable', { cause: e });
  }
}
