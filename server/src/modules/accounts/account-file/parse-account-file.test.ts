import fs from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../../errors.js';
import { ACCOUNT_FILE_LIMITS, ACCOUNT_ROW_ERROR_CODES, parseAccountFile, type AccountFileRow, type ParsedAccountFile } from './parse-account-file.js';
import { csvText, encodeText, junkBytes, makeCsv, makeRawZip, makeXlsx, makeXlsxBomb, sheetXml, type CsvOptions } from './test-helpers.js';

// The account files as French offices export them (fixtures/README.md).
const FIXTURES = path.resolve(import.meta.dirname, '../../../../../fixtures');
const fixture = (name: string): Uint8Array => fs.readFileSync(path.join(FIXTURES, 'accounts', name));

const HEADINGS = ['Nom', 'Prénom', 'Adresse e-mail', 'Rôle'];

/** The people of the fixtures, as rows of a sheet. */
const MAIRIE: string[][] = [
  HEADINGS,
  ['RENAUD', 'Sophie', 'sophie.renaud@mairie-demo.test', 'administrateur'],
  ['LEFÈVRE', 'Éric', 'eric.lefevre@mairie-demo.test', 'utilisateur'],
  ['HADDAD', 'Inès', 'ines.haddad@mairie-demo.test', 'utilisateur'],
  ['MÜLLER', 'François', 'francois.muller@mairie-demo.test', 'utilisateur'],
  ['GARÇON', 'Zoé', 'zoe.garcon-at-mairie-demo.test', 'utilisateur'],
];

const MAIRIE_ROWS: AccountFileRow[] = [
  { line: 2, name: 'Sophie RENAUD', email: 'sophie.renaud@mairie-demo.test', role: 'client_admin', error: null },
  { line: 3, name: 'Éric LEFÈVRE', email: 'eric.lefevre@mairie-demo.test', role: 'client_user', error: null },
  { line: 4, name: 'Inès HADDAD', email: 'ines.haddad@mairie-demo.test', role: 'client_user', error: null },
  { line: 5, name: 'François MÜLLER', email: 'francois.muller@mairie-demo.test', role: 'client_user', error: null },
  {
    line: 6,
    name: 'Zoé GARÇON',
    email: 'zoe.garcon-at-mairie-demo.test',
    role: 'client_user',
    error: { code: 'email_invalid', message: 'The e-mail address "zoe.garcon-at-mairie-demo.test" is not valid: it has no "@".' },
  },
];

/** The AppError a parse throws (failing the test when it does not throw one). */
function refusal(bytes: Uint8Array, filename = 'comptes.csv', limits = ACCOUNT_FILE_LIMITS): AppError {
  try {
    parseAccountFile(bytes, filename, limits);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw new Error(`expected an AppError, got ${String(e)}`);
  }
  throw new Error('expected the file to be refused');
}

function parseRows(rows: ReadonlyArray<ReadonlyArray<string>>, opts: CsvOptions = {}): AccountFileRow[] {
  return parseAccountFile(makeCsv(rows, opts), 'comptes.csv').rows;
}

function people(n: number): string[][] {
  return [HEADINGS, ...Array.from({ length: n }, (_, i) => [`NOM${i}`, `Prénom${i}`, `personne.${i}@mairie-demo.test`, i % 10 === 0 ? 'administrateur' : 'utilisateur'])];
}

function timed<T>(label: string, fn: () => T): T {
  const start = performance.now();
  try {
    return fn();
  } finally {
    process.stdout.write(`[account-file timing] ${label}: ${(performance.now() - start).toFixed(1)} ms\n`);
  }
}

describe('the shared fixtures', () => {
  it.each([
    ['comptes-mairie-windows1252.csv', 'windows-1252', ';'],
    ['comptes-mairie-utf8-bom.csv', 'utf-8-bom', ','],
  ] as const)('%s gives the five people, accents intact, row 6 refused for its e-mail', (name, encoding, separator) => {
    const parsed = parseAccountFile(fixture(name), name);
    expect(parsed).toEqual<ParsedAccountFile>({ format: 'csv', encoding, separator, rows: MAIRIE_ROWS });
  });

  it('the same sheet saved as .xlsx gives the same rows', () => {
    expect(parseAccountFile(makeXlsx(MAIRIE), 'comptes.xlsx')).toEqual<ParsedAccountFile>({ format: 'xlsx', encoding: null, separator: null, rows: MAIRIE_ROWS });
  });
});

describe('encodings, separators and line endings', () => {
  const cases: Array<[string, CsvOptions]> = [
    ['utf-8 ;', { encoding: 'utf-8', separator: ';' }],
    ['utf-8 , LF', { encoding: 'utf-8', separator: ',', eol: '\n' }],
    ['utf-8 with BOM, tab', { encoding: 'utf-8-bom', separator: '\t' }],
    ['windows-1252 ; CR only (old Mac Excel)', { encoding: 'windows-1252', separator: ';', eol: '\r' }],
    ['utf-16le with BOM, tab (Excel "Unicode text")', { encoding: 'utf-16le', separator: '\t' }],
    ['utf-16be with BOM ,', { encoding: 'utf-16be', separator: ',' }],
  ];
  it.each(cases)('%s', (_label, opts) => {
    const parsed = parseAccountFile(makeCsv(MAIRIE, opts), 'comptes.csv');
    expect(parsed.encoding).toBe(opts.encoding);
    expect(parsed.separator).toBe(opts.separator);
    expect(parsed.rows).toEqual(MAIRIE_ROWS);
  });

  it('decodes the Windows-1252 letters that Latin-1 lacks (œ, Œ, ’)', () => {
    const rows = parseRows([HEADINGS, ['LŒUVRE', 'Chloé', 'c.loeuvre@x.fr', 'utilisateur'], ['N’DIAYE', 'Cœur', 'c.ndiaye@x.fr', 'utilisateur']], { encoding: 'windows-1252' });
    expect(rows.map((r) => r.name)).toEqual(['Chloé LŒUVRE', 'Cœur N’DIAYE']);
  });

  it('picks the separator of the heading line, ignoring separators inside quotes', () => {
    const text = '"Nom, de famille";Prénom;Adresse e-mail;Rôle\r\n"DUPONT, dit Jean";Jean;j@x.fr;admin\r\n';
    const parsed = parseAccountFile(strToU8(text), 'a.csv');
    expect(parsed.separator).toBe(';');
    expect(parsed.rows[0]).toMatchObject({ name: 'Jean DUPONT, dit Jean', role: 'client_admin' });
  });

  it('a comma-separated file whose names contain semicolons inside quotes', () => {
    const text = 'Nom,Prénom,Email,Role\n"A;B",Jean,j@x.fr,user\n';
    expect(parseAccountFile(strToU8(text), 'a.csv')).toMatchObject({ separator: ',', rows: [{ name: 'Jean A;B' }] });
  });
});

describe('headings', () => {
  it.each([
    ['English', ['Last name', 'First name', 'Email', 'Role']],
    ['case, accents and spaces ignored', ['NOM', 'prenom', 'E-MAIL', 'role']],
    ['other French names', ['Nom de famille', 'Prénom', 'Courriel', 'Profil']],
    ['remarks and markers', ['Nom *', 'Prénom *', 'Adresse e-mail (obligatoire)', 'Type de compte']],
  ])('%s', (_label, headings) => {
    const rows = parseRows([['Service', ...headings], ['Accueil', 'DUPONT', 'Jean', 'Jean.Dupont@X.fr', 'Administrateur']].map(([a, ...rest]) => [...rest, a!]));
    expect(rows).toEqual([{ line: 2, name: 'Jean DUPONT', email: 'jean.dupont@x.fr', role: 'client_admin', error: null }]);
  });

  it('accepts a full-name column instead of first and last name', () => {
    expect(parseRows([['Name', 'Email', 'Role'], ['  Jean   Dupont ', 'j@x.fr', 'user']])).toEqual([{ line: 2, name: 'Jean Dupont', email: 'j@x.fr', role: 'client_user', error: null }]);
    expect(parseRows([['Nom complet', 'Mail', 'Rôle'], ['Jeanne Martin', 'jm@x.fr', 'utilisatrice']])[0]).toMatchObject({ name: 'Jeanne Martin', role: 'client_user' });
  });

  it('ignores extra columns and finds the headings under a title line', () => {
    const rows = parseRows([['Liste des comptes – mairie', '', '', '', ''], [], ['Service', ...HEADINGS], ['Accueil', 'DUPONT', 'Jean', 'j@x.fr', 'admin']]);
    expect(rows).toEqual([{ line: 4, name: 'Jean DUPONT', email: 'j@x.fr', role: 'client_admin', error: null }]);
  });

  it('skips the "sep=;" line some Excel exports start with', () => {
    const parsed = parseAccountFile(strToU8(`sep=;\r\n${csvText(MAIRIE)}`), 'a.csv');
    expect(parsed.separator).toBe(';');
    expect(parsed.rows.map((r) => r.line)).toEqual([3, 4, 5, 6, 7]);
  });

  it.each([
    [['Nom', 'Prénom', 'Rôle'], 'The file has no e-mail column.', ['email']],
    [['Nom', 'Prénom', 'E-mail'], 'The file has no role column.', ['role']],
    [['E-mail', 'Rôle'], 'The file has no name column.', ['name']],
    [['Nom', 'E-mail', 'Rôle'], 'The file has no first-name column.', ['first_name']],
    [['Prénom', 'Téléphone'], 'The file has no last-name, e-mail, and role columns.', ['last_name', 'email', 'role']],
  ])('missing columns in %j', (headings, sentence, fields) => {
    const e = refusal(makeCsv([headings, headings.map(() => 'x')]));
    expect(e.code).toBe('business_rule');
    expect(e.detail).toBe(`${sentence} Expected columns: Nom, Prénom, Adresse e-mail, Rôle (or Name, Email, Role). Found: ${headings.map((h) => `"${h}"`).join(', ')}.`);
    expect(e.errors?.map((f) => f.field)).toEqual(fields);
    expect(e.extra).toEqual({ missing: fields, found: headings });
  });

  it('says when the first line is a person rather than headings', () => {
    const e = refusal(makeCsv(MAIRIE.slice(1)));
    expect(e.detail).toContain('Found: "RENAUD", "Sophie", "sophie.renaud@mairie-demo.test", "administrateur".');
    expect(e.detail).toContain('Line 1 looks like a person, not column headings: add a line of headings at the top.');
  });

  it('says when nothing separates the columns', () => {
    const e = refusal(strToU8('Nom Prénom Adresse e-mail Rôle\nDUPONT Jean j@x.fr admin\n'));
    expect(e.detail).toContain('No semicolon, comma or tab separates the columns.');
  });

  it('refuses two columns of the same kind', () => {
    const e = refusal(makeCsv([['Nom', 'Prénom', 'Email', 'Rôle', 'Courriel'], ['A', 'B', 'a@x.fr', 'admin', 'b@x.fr']]));
    expect(e.detail).toBe('The file has 2 e-mail columns (C and E, line 1): keep only one.');
  });
});

describe('rows', () => {
  const ROW_CASES: Array<{ why: string; cells: string[]; expected: Partial<AccountFileRow> }> = [
    { why: 'a valid row', cells: ['DUPONT', 'Jean', ' Jean.Dupont@Mairie.FR ', 'administrateur'], expected: { email: 'jean.dupont@mairie.fr', role: 'client_admin', error: null } },
    { why: 'no name at all', cells: ['', '', 'a@x.fr', 'utilisateur'], expected: { name: '', error: { code: 'name_missing', message: 'The name is missing: fill in the first and last name.' } } },
    { why: 'only a last name is enough', cells: ['DUPONT', '', 'b@x.fr', 'utilisateur'], expected: { name: 'DUPONT', error: null } },
    { why: 'no e-mail', cells: ['DUPONT', 'Jean', '', 'utilisateur'], expected: { email: '', error: { code: 'email_missing', message: 'The e-mail address is missing.' } } },
    { why: 'e-mail with a space', cells: ['A', 'B', 'jean dupont@x.fr', 'user'], expected: { error: { code: 'email_invalid', message: 'The e-mail address "jean dupont@x.fr" is not valid: it contains a space.' } } },
    { why: 'e-mail with two @', cells: ['A', 'B', 'a@b@x.fr', 'user'], expected: { error: { code: 'email_invalid', message: 'The e-mail address "a@b@x.fr" is not valid: it has more than one "@".' } } },
    { why: 'e-mail without a domain', cells: ['A', 'B', 'jean@mairie', 'user'], expected: { error: { code: 'email_invalid', message: 'The e-mail address "jean@mairie" is not valid: what follows the "@" is not a complete domain such as "mairie.fr".' } } },
    { why: 'e-mail with an accent', cells: ['A', 'B', 'frédéric@x.fr', 'user'], expected: { error: { code: 'email_invalid', message: 'The e-mail address "frédéric@x.fr" is not valid: it contains "é", which e-mail addresses cannot use.' } } },
    { why: 'no role', cells: ['A', 'B', 'c@x.fr', ''], expected: { role: null, error: { code: 'role_missing', message: 'The role is missing: write "administrateur" or "utilisateur" (or "admin", "user").' } } },
    { why: 'an unknown role', cells: ['A', 'B', 'd@x.fr', 'Chef de service'], expected: { role: null, error: { code: 'role_unknown', message: 'The role "Chef de service" is not one Pli knows: write "administrateur" or "utilisateur" (or "admin", "user").' } } },
    {
      why: 'a provider role',
      cells: ['A', 'B', 'e@x.fr', 'Opérateur'],
      expected: { role: null, error: { code: 'role_not_client', message: 'The role "Opérateur" belongs to the provider\'s staff and cannot be given to a client\'s account: write "administrateur" or "utilisateur" (or "admin", "user").' } },
    },
  ];
  it.each(ROW_CASES)('$why', ({ cells, expected }) => {
    const [row] = parseRows([HEADINGS, cells]);
    expect(row).toMatchObject({ line: 2, ...expected });
  });

  it.each([
    ['administrateur', 'client_admin'],
    ['Administratrice', 'client_admin'],
    [' ADMIN ', 'client_admin'],
    ['Administrator', 'client_admin'],
    ['client_admin', 'client_admin'],
    ['utilisateur', 'client_user'],
    ['Utilisatrice', 'client_user'],
    ['UTILISATEUR', 'client_user'],
    ['user', 'client_user'],
    ['client_user', 'client_user'],
  ])('the role %j is %s', (written, role) => {
    expect(parseRows([HEADINGS, ['A', 'B', 'a@x.fr', written]])[0]).toMatchObject({ role, error: null });
  });

  it.each(['provider_admin', 'operator', 'opérateur', 'support_agent', 'Support'])('the provider role %j is refused for a client', (written) => {
    expect(parseRows([HEADINGS, ['A', 'B', 'a@x.fr', written]])[0]?.error?.code).toBe('role_not_client');
  });

  it('agrees with z.email() on which addresses are valid', () => {
    const samples = ['a@b.fr', 'jean.dupont+pli@mairie-demo.test', "o'brien@x.ie", 'a..b@x.fr', '.a@x.fr', 'a@x', 'a@-x.fr', 'a@x.f', 'a_b@sub.domain.org', 'é@x.fr', `${'a'.repeat(250)}@x.fr`];
    const rows = parseRows([HEADINGS, ...samples.map((s, i) => [`N${i}`, 'P', s, 'user'])]);
    rows.forEach((row, i) => {
      const sample = samples[i]!;
      const zodOk = z.email().max(254).safeParse(sample).success;
      expect({ sample, ok: row.error === null }).toEqual({ sample, ok: zodOk });
    });
  });

  it('marks the second and later rows with an address already used, case-insensitively', () => {
    const rows = parseRows([HEADINGS, ['A', 'A', 'jean@x.fr', 'user'], ['B', 'B', 'other@x.fr', 'user'], ['C', 'C', 'Jean@X.FR', 'admin'], ['D', 'D', ' jean@x.fr', 'chef']]);
    expect(rows.map((r) => [r.line, r.error?.code ?? null, r.error?.message ?? null])).toEqual([
      [2, null, null],
      [3, null, null],
      [4, 'duplicate_in_file', 'The e-mail address "jean@x.fr" is already on line 2.'],
      [5, 'duplicate_in_file', 'The e-mail address "jean@x.fr" is already on line 2.'],
    ]);
  });

  it('uses every row error code', () => {
    const rows = parseRows([
      HEADINGS,
      ['', '', 'a@x.fr', 'user'],
      ['A', 'B', '', 'user'],
      ['A', 'B', 'nope', 'user'],
      ['A', 'B', 'b@x.fr', ''],
      ['A', 'B', 'c@x.fr', 'chef'],
      ['A', 'B', 'd@x.fr', 'operator'],
      ['A', 'B', 'a@x.fr', 'user'],
    ]);
    expect(new Set(rows.map((r) => r.error?.code))).toEqual(new Set(ACCOUNT_ROW_ERROR_CODES));
    for (const r of rows) expect(r.error?.message).toMatch(/^[A-Z].*\.$/);
  });

  it('keeps the true line numbers across blank lines, empty ;;; rows and multi-line cells', () => {
    const text = ['Nom;Prénom;Adresse e-mail;Rôle', '', 'A;Jean;a@x.fr;user', ';;;', '"B', 'suite";Paul;b@x.fr;user', '   ', 'C;Marie;c@x.fr;admin', ''].join('\r\n');
    // Lines as the spreadsheet shows them: a cell with a line break is still one row.
    expect(parseAccountFile(strToU8(text), 'a.csv').rows.map((r) => [r.line, r.name])).toEqual([
      [3, 'Jean A'],
      [5, 'Paul B suite'],
      [7, 'Marie C'],
    ]);
  });

  it('cleans cells: non-breaking and zero-width spaces, line breaks inside a cell', () => {
    const [row] = parseRows([HEADINGS, ['\u00a0DUPONT\u200b', 'Jean\u00a0 Pierre', '\u200bjean@x.fr\u00a0', '\u00a0administrateur']]);
    expect(row).toMatchObject({ name: 'Jean Pierre DUPONT', email: 'jean@x.fr', role: 'client_admin', error: null });
  });

  it('reports an unclosed quote with its line', () => {
    const e = refusal(strToU8('Nom;Prénom;Email;Rôle\r\nA;B;a@x.fr;user\r\n"C;D;c@x.fr;user\r\nE;F;e@x.fr;user\r\n'));
    expect(e.code).toBe('business_rule');
    expect(e.detail).toBe('Line 3: a cell opens a quotation mark (") that is never closed, so the rest of the file cannot be split into cells. Close the quotation mark or remove it.');
  });
});

describe('whole-file refusals', () => {
  it.each([
    ['an empty file', new Uint8Array(0), 'The file is empty: it has no column headings and no people.'],
    ['blank lines only', strToU8('\r\n \r\n;;;\r\n'), 'The file is empty: it has no column headings and no people.'],
    ['a byte-order mark only', encodeText('', 'utf-8-bom'), 'The file is empty: it has no column headings and no people.'],
    // Decision: a heading line with nobody under it is refused, not returned as zero rows: an import
    // that creates nothing is always the wrong file or the wrong sheet.
    ['headings only', makeCsv([HEADINGS]), 'The file has column headings (line 1) but no people under them.'],
    ['headings only, in a workbook', makeXlsx([HEADINGS, ['', '', '', '']]), 'The file has column headings (line 1) but no people under them.'],
    ['an empty workbook', makeXlsx([]), 'The first sheet of the workbook is empty: put the list of people on the first sheet.'],
  ])('%s', (_label, bytes, detail) => {
    const e = refusal(bytes);
    expect(e.code).toBe('business_rule');
    expect(e.detail).toBe(detail);
  });

  it.each([
    ['random bytes', junkBytes(4096), /^The file is not readable text: it contains NUL bytes/],
    ['random bytes without NUL', junkBytes(4096, 7, true), /^The file is not readable text: [\d,]+ of its [\d,]+ characters are control characters/],
    ['a PNG image', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]), /^The file is not readable text: it contains NUL bytes/],
    ['UTF-16 without its byte-order mark', encodeText(csvText(MAIRIE), 'utf-16le').subarray(2), /^The file is not readable text: it contains NUL bytes, as binary files and UTF-16 text without a byte-order mark do/],
    ['a UTF-8 BOM followed by Windows-1252 (broken encoding)', new Uint8Array([0xef, 0xbb, 0xbf, ...encodeText(csvText(MAIRIE), 'windows-1252')]), /^The file is not readable text: it starts with a UTF-8 marker but its characters are not UTF-8/],
    ['a UTF-16 BOM with an odd number of bytes', new Uint8Array([0xff, 0xfe, 0x41, 0x00, 0x42]), /^The file is not readable text: it starts with a UTF-16 marker/],
  ])('%s', (_label, bytes, detail) => {
    const e = refusal(bytes);
    expect(e.code).toBe('business_rule');
    expect(e.detail).toMatch(detail);
    expect(e.detail).toMatch(/upload it again\.$/);
  });

  it('an old binary Excel file (.xls), whatever its name', () => {
    const xls = new Uint8Array(4096);
    xls.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    for (const name of ['comptes.xls', 'comptes.csv', 'comptes.xlsx']) {
      const e = refusal(xls, name);
      expect([e.code, e.status, e.sentence.key]).toEqual(['unsupported_media_type', 415, 'file.old_excel']);
    }
  });

  it('a password-protected workbook (an encrypted .xlsx is an OLE container too)', () => {
    const encrypted = new Uint8Array(4096);
    encrypted.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    encrypted.set(encodeText('EncryptedPackage', 'utf-16le').subarray(2), 1024);
    expect(refusal(encrypted, 'comptes.xlsx').detail).toBe('This workbook is password-protected: remove its password in the spreadsheet, save it and upload it again.');
  });

  it('a PDF', () => {
    expect(refusal(strToU8('%PDF-1.7\n%âãÏÓ\n1 0 obj'), 'comptes.pdf').code).toBe('unsupported_media_type');
  });

  it('a file over the size limit', () => {
    const e = refusal(makeCsv(people(200)), 'big.csv', { ...ACCOUNT_FILE_LIMITS, maxBytes: 1024 });
    expect([e.code, e.status]).toEqual(['payload_too_large', 413]);
    expect(e.detail).toMatch(/^The file is \d+ KB; at most 1 KB per file\. Split it into several files\.$/);
    expect(refusal(new Uint8Array(ACCOUNT_FILE_LIMITS.maxBytes + 1)).detail).toBe('The file is 5.1 MB; at most 5 MB per file. Split it into several files.');
  });

  it('exactly maxRows people pass, one more is refused', () => {
    const limits = { ...ACCOUNT_FILE_LIMITS, maxRows: 3 };
    expect(parseAccountFile(makeCsv(people(3)), 'a.csv', limits).rows).toHaveLength(3);
    expect(refusal(makeCsv(people(4)), 'a.csv', limits).detail).toBe('The file has 4 people; at most 3 per file. Split it into several files.');
    expect(refusal(makeXlsx(people(4)), 'a.xlsx', limits).detail).toBe('The file has 4 people; at most 3 per file. Split it into several files.');
  });

  it('a 10,000-row CSV is refused with the sentence, fast', () => {
    const bytes = makeCsv(people(10_000), { encoding: 'windows-1252' });
    const e = timed(`10,000-row CSV refused (${bytes.length} bytes)`, () => refusal(bytes));
    expect(e.detail).toBe('The file has 10,000 people; at most 5,000 per file. Split it into several files.');
    expect(e.extra).toEqual({ rows: 10_000, max_rows: 5000 });
  });

  it('a 10,000-row workbook is refused with the same sentence', () => {
    const bytes = makeXlsx(people(10_000));
    const e = timed(`10,000-row XLSX refused (${bytes.length} bytes)`, () => refusal(bytes, 'big.xlsx'));
    expect(e.detail).toBe('The file has 10,000 people; at most 5,000 per file. Split it into several files.');
  });

  it('a 4,999-row CSV and workbook are parsed (times in the output)', () => {
    const csv = makeCsv(people(4999), { encoding: 'windows-1252' });
    const xlsx = makeXlsx(people(4999));
    const fromCsv = timed(`4,999-row CSV parsed (${csv.length} bytes)`, () => parseAccountFile(csv, 'a.csv'));
    const fromXlsx = timed(`4,999-row XLSX parsed (${xlsx.length} bytes)`, () => parseAccountFile(xlsx, 'a.xlsx'));
    expect(fromCsv.rows).toHaveLength(4999);
    expect(fromXlsx.rows).toEqual(fromCsv.rows);
    expect(fromCsv.rows.at(-1)).toEqual({ line: 5000, name: 'Prénom4998 NOM4998', email: 'personne.4998@mairie-demo.test', role: 'client_user', error: null });
  });

  it('never lets a library exception through', () => {
    // A ZIP signature followed by garbage: the archive reader fails, the person gets a sentence.
    const e = refusal(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), 'x.xlsx');
    expect(e).toBeInstanceOf(AppError);
    expect(e.detail).toMatch(/^The workbook is damaged and cannot be opened \(its ZIP table of contents is missing\)/);
  });
});

describe('XLSX', () => {
  it('reads shared strings, inline strings, numbers, booleans and missing cells', () => {
    const sheet = [
      ['Name', 'Email', 'Role', 'Badge', 'Actif'],
      ['Jean & Marie <Dupont>', 'jm@x.fr', 'admin', 42, true],
      ['', 'nobody@x.fr', 'user'],
      ['Paul', 'paul@x.fr', ''],
    ];
    for (const strings of ['shared', 'inline'] as const) {
      const parsed = parseAccountFile(makeXlsx(sheet, { strings }), 'a.xlsx');
      expect(parsed.rows).toEqual([
        { line: 2, name: 'Jean & Marie <Dupont>', email: 'jm@x.fr', role: 'client_admin', error: null },
        { line: 3, name: '', email: 'nobody@x.fr', role: 'client_user', error: { code: 'name_missing', message: 'The name is missing: fill in the name.' } },
        { line: 4, name: 'Paul', email: 'paul@x.fr', role: null, error: { code: 'role_missing', message: 'The role is missing: write "administrateur" or "utilisateur" (or "admin", "user").' } },
      ]);
    }
  });

  it('reads rich text, character references, Excel escapes, prefixed elements, and rows without r', () => {
    const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
    const sst =
      `<?xml version="1.0"?><x:sst xmlns:x="${ns}">` +
      '<x:si><x:t>Nom complet</x:t></x:si><x:si><x:t>Email</x:t></x:si><x:si><x:t>Rôle</x:t></x:si>' +
      '<x:si><x:r><x:rPr><x:b/></x:rPr><x:t>Fran</x:t></x:r><x:r><x:t xml:space="preserve">&#231;oise </x:t></x:r><x:r><x:t>L&#xC9;GER</x:t></x:r><x:rPh><x:t>ignored</x:t></x:rPh></x:si>' +
      '<x:si><x:t>admin_x000D_</x:t></x:si><x:si><x:t><![CDATA[f.leger@x.fr]]></x:t></x:si>' +
      '</x:sst>';
    const sheet =
      `<?xml version="1.0"?><x:worksheet xmlns:x="${ns}"><x:sheetData>` +
      '<x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c><x:c t="s"><x:v>2</x:v></x:c></x:row>' +
      '<!-- a comment with <x:row> inside -->' +
      '<x:row r="4"><x:c r="A4" t="s"><x:v>3</x:v></x:c><x:c r="B4" t="s"><x:v>5</x:v></x:c><x:c r="C4" t="s"><x:v>4</x:v></x:c></x:row>' +
      '<x:row><x:c r="A5" t="str"><x:f>A4</x:f><x:v>Paul</x:v></x:c><x:c r="B5" t="inlineStr"><x:is><x:t>p@x.fr</x:t></x:is></x:c><x:c r="C5" t="inlineStr"><x:is><x:r><x:t>ut</x:t></x:r><x:r><x:t>ilisateur</x:t></x:r></x:is></x:c></x:row>' +
      '</x:sheetData></x:worksheet>';
    const bytes = makeXlsx([], { parts: { 'xl/worksheets/sheet1.xml': sheet, 'xl/sharedStrings.xml': sst } });
    expect(parseAccountFile(bytes, 'a.xlsx').rows).toEqual([
      { line: 4, name: 'Françoise LÉGER', email: 'f.leger@x.fr', role: 'client_admin', error: null },
      { line: 5, name: 'Paul', email: 'p@x.fr', role: 'client_user', error: null },
    ]);
  });

  it('reads the first sheet in workbook order, not the first in the archive', () => {
    const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
    const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
    const bytes = makeXlsx([['Notes'], ['nothing here']], {
      strings: 'inline',
      parts: {
        'xl/workbook.xml': `<workbook xmlns="${ns}" xmlns:r="${rel}"><sheets><sheet name="Comptes" sheetId="2" r:id="rId7"/><sheet name="Notes" sheetId="1" r:id="rId1"/></sheets></workbook>`,
        'xl/_rels/workbook.xml.rels': `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId7" Type="${rel}/worksheet" Target="/xl/worksheets/people.xml"/></Relationships>`,
        'xl/worksheets/people.xml': sheetXml(MAIRIE, null),
      },
    });
    expect(parseAccountFile(bytes, 'a.xlsx').rows).toEqual(MAIRIE_ROWS);
  });

  it('refuses a ZIP that is not a workbook, saying what it is', () => {
    const zip = zipSync({ 'notes.txt': strToU8('hello') });
    const e = refusal(zip, 'comptes.xlsx');
    expect([e.code, e.detail]).toEqual(['unsupported_media_type', '"comptes.xlsx" is a ZIP archive, not an XLSX workbook: save the list of people as .xlsx or CSV and upload it again.']);
    expect(refusal(makeXlsx(MAIRIE, { omit: ['xl/workbook.xml'] }), 'a.xlsx').detail).toContain('not an XLSX workbook');
    const docx = zipSync({ '[Content_Types].xml': strToU8('<Types/>'), 'word/document.xml': strToU8('<w:document/>') });
    expect(refusal(docx, 'comptes.docx').detail).toMatch(/^"comptes\.docx" is a Word document, not an XLSX workbook/);
  });

  it.each([
    ['the sheet', 'xl/worksheets/sheet1.xml'],
    ['the shared strings', 'xl/sharedStrings.xml'],
    ['the workbook', 'xl/workbook.xml'],
  ])('refuses a DOCTYPE in %s (XML bomb)', (_label, part) => {
    const billionLaughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><sst><si><t>&lol2;</t></si></sst>';
    const e = refusal(makeXlsx(MAIRIE, { parts: { [part]: billionLaughs } }), 'a.xlsx');
    expect([e.code, e.detail]).toEqual(['business_rule', 'The workbook contains an XML document type declaration, which spreadsheets never write (a possible XML bomb): it was not opened.']);
  });

  it('refuses a ZIP bomb from its declared sizes, without inflating it', () => {
    // 200 MiB of spaces in ~200 KB: declared honestly (over the size limit), then declared as
    // 40 MiB (under the size limit, but 200:1).
    for (const declared of [200 * 1024 * 1024, 40 * 1024 * 1024]) {
      const bomb = makeXlsxBomb(200, declared);
      const start = performance.now();
      const e = refusal(bomb, 'bomb.xlsx');
      const ms = performance.now() - start;
      process.stdout.write(`[account-file timing] ZIP bomb of 200 MiB declaring ${declared} bytes (${bomb.length} bytes) refused: ${ms.toFixed(1)} ms\n`);
      expect([e.code, e.detail]).toEqual(['business_rule', 'The workbook is abnormally compressed (a possible ZIP bomb): it was not opened.']);
    }
  });

  it('refuses a ZIP bomb that lies about its size: inflating stops where the declaration ends', () => {
    // 1 GiB of spaces in ~1 MB, declaring a harmless size: the declaration passes every check,
    // so only counting what actually comes out of the inflater catches it.
    for (const declared of [1024 * 1024, 100]) {
      const bomb = makeXlsxBomb(1024, declared);
      const start = performance.now();
      const e = refusal(bomb, 'bomb.xlsx');
      const ms = performance.now() - start;
      process.stdout.write(`[account-file timing] ZIP bomb of 1 GiB declaring ${declared} bytes (${bomb.length} bytes) refused: ${ms.toFixed(1)} ms\n`);
      expect(e.detail).toBe('The workbook is abnormally compressed (a possible ZIP bomb): it was not opened.');
    }
  });

  it('refuses a workbook too large once decompressed', () => {
    const e = refusal(makeXlsx(people(500)), 'a.xlsx', { ...ACCOUNT_FILE_LIMITS, maxXlsxUncompressedBytes: 20_000 });
    expect(e.detail).toBe('The workbook is too large once decompressed (more than 20 KB): keep only the sheet of people, or save it as CSV, and upload it again.');
  });

  it('refuses a password-flagged entry and a damaged archive with sentences', () => {
    const encryptedEntry = makeRawZip([{ name: 'xl/workbook.xml', stored: strToU8('<workbook/>'), method: 0, originalSize: 11, flags: 1 }]);
    expect(refusal(encryptedEntry, 'a.xlsx').detail).toBe('The workbook is password-protected: remove the password in the spreadsheet, save it and upload it again.');
    const good = makeXlsx(MAIRIE);
    const truncated = good.slice(0, good.length - 30);
    expect(refusal(truncated, 'a.xlsx').detail).toMatch(/^The workbook is damaged and cannot be opened/);
  });
});
