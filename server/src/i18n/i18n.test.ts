import { describe, expect, it } from 'vitest';
import { errorCatalogue } from '../errors.js';
import { en } from './en.js';
import { fr } from './fr.js';
import { and, catalogues, fromAcceptLanguage, message, placeholdersOf, render, type MessageKey } from './index.js';

const keys = Object.keys(en) as MessageKey[];

describe('the catalogues', () => {
  it('have the same keys in French and in English', () => {
    expect(Object.keys(fr).sort()).toEqual([...keys].sort());
  });

  it.each(keys)('%s has the same parameters, and the same plural forms, in both', (key) => {
    expect(placeholdersOf(fr[key])).toEqual(placeholdersOf(en[key]));
    expect(typeof fr[key]).toBe(typeof en[key]);
  });

  it.each(Object.keys(errorCatalogue))('error code %s has a title in both', (code) => {
    for (const language of ['fr', 'en'] as const) expect(catalogues[language][`title.${code}` as MessageKey]).toEqual(expect.any(String));
  });

  it('write French the French way: no-break space before « : ; ? ! » and inside guillemets, curly apostrophes', () => {
    const texts = Object.values(fr).flatMap((t) => (typeof t === 'string' ? [t] : [t.one, t.other]));
    expect(texts.filter((t) => / [:;?!»]|« /.test(t))).toEqual([]);
    expect(texts.filter((t) => /\p{L}'\p{L}/u.test(t))).toEqual([]);
  });
});

describe('render', () => {
  it('fills parameters, nested messages and lists in the language asked for', () => {
    const m = message('scan.repeated', { what: message('scan.batch', { batch: 'B12' }), step: message('step.printed') });
    expect(render('fr', m)).toBe('Le lot B12 est déjà imprimé\u00a0: ce scan n’était pas nécessaire.');
    expect(render('en', m)).toBe('Batch B12 is already printed: this scan was not needed.');
    expect(render('fr', message('file.missing_columns', { count: 2, columns: and([message('column.email'), message('column.role')]), found: message('file.found_no_headings') }))).toMatch(
      /^Il manque au fichier les colonnes d’adresse e-mail et de rôle\./,
    );
  });

  it('chooses the plural by the rules of the language (French: 0 and 1 are singular)', () => {
    expect(render('fr', message('document.page_count', { count: 0 }))).toBe('Le document compte 0 page.');
    expect(render('en', message('document.page_count', { count: 0 }))).toBe('The document has 0 pages.');
    expect(render('en', message('document.page_count', { count: 1 }))).toBe('The document has 1 page.');
  });

  it('writes quantities the language’s way', () => {
    expect(render('fr', message('size.mb', { n: 5.1 }))).toBe('5,1 Mo');
    expect(render('fr', message('file.too_many_people', { count: 12000, max: 5000 }))).toMatch(/^Le fichier compte 12\u202f000 personnes\u00a0; au plus 5\u202f000 /u);
    expect(render('en', message('file.too_many_people', { count: 12000, max: 5000 }))).toMatch(/^The file has 12,000 people; at most 5,000 /);
  });
});

describe('Accept-Language', () => {
  it.each([
    ['fr-FR,fr;q=0.9,en;q=0.8', 'fr'],
    ['en-GB,en;q=0.9', 'en'],
    ['de-DE, en;q=0.5, fr;q=0.4', 'en'],
    ['fr;q=0.2, en;q=0.7', 'en'],
    ['EN-us', 'en'],
    ['*', 'fr'],
    ['en;q=0, fr;q=0.1', 'fr'],
    ['de, es', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s → %s', (header, language) => {
    expect(fromAcceptLanguage(header)).toBe(language);
  });
});
