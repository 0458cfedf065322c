import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, createTestApp, signIn, type TestApp } from '../../../test/helpers.js';

/** Problem answers are written in the caller's language (ADR 0013). */
let t: TestApp;
let key: string;

beforeAll(async () => {
  t = await createTestApp('pglite');
  key = await apiKeyFor(t, 'user@mairie-demo.test');
});
afterAll(() => t.close());

const UNKNOWN_ORDER = '/api/v1/orders/ord_00000000000000000000000000';

describe('the language of a refusal', () => {
  it('is French when Accept-Language asks for French', async () => {
    const r = await t.app.inject({ method: 'GET', url: UNKNOWN_ORDER, headers: { authorization: `Bearer ${key}`, 'accept-language': 'fr-FR,fr;q=0.9' } });
    expect(r.statusCode).toBe(404);
    expect(r.headers['content-language']).toBe('fr');
    expect(r.json()).toMatchObject({ code: 'not_found', title: 'Introuvable', detail: 'Cette commande est introuvable.' });
  });

  it('is English when Accept-Language asks for English', async () => {
    const r = await t.app.inject({ method: 'GET', url: UNKNOWN_ORDER, headers: { authorization: `Bearer ${key}`, 'accept-language': 'en-GB' } });
    expect(r.headers['content-language']).toBe('en');
    expect(r.json()).toMatchObject({ code: 'not_found', title: 'Not found', detail: 'This order was not found.' });
  });

  it('without Accept-Language, is the one the person chose in their profile — French until they choose', async () => {
    const browser = await signIn(t.app, 'admin@mairie-demo.test');
    const get = (headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url: UNKNOWN_ORDER, headers: { ...browser.headers(), ...headers } });
    expect((await get()).json().detail).toBe('Cette commande est introuvable.');

    const chosen = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: browser.headers(), payload: { locale: 'en' } });
    expect(chosen.statusCode).toBe(200);
    expect((await get()).json().detail).toBe('This order was not found.');
    // The header still wins: the portal sends the language it shows.
    expect((await get({ 'accept-language': 'fr' })).json().detail).toBe('Cette commande est introuvable.');
  });

  it('is French for a caller that names no language, signed in or not', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/me' });
    expect(r.json()).toMatchObject({ title: 'Connexion nécessaire', detail: 'Connectez-vous ou envoyez une clé d’API (Authorization: Bearer …).' });
  });

  it('covers the validator’s field messages', async () => {
    const post = (language: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: { authorization: `Bearer ${key}`, 'accept-language': language }, payload: { name: ' ', colour: 'red' } });
    const wrongType = await t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: { authorization: `Bearer ${key}`, 'accept-language': 'fr' }, payload: { name: 42 } });
    expect(wrongType.json().errors).toEqual([{ field: 'name', message: 'doit être de type texte' }]);
    const fr = (await post('fr')).json();
    expect(fr).toMatchObject({ code: 'validation_failed', title: 'Données non valides', detail: '2 champs de la requête (corps) ne sont pas valides.' });
    expect(fr.errors).toEqual(expect.arrayContaining([{ field: 'name', message: 'ne doit pas être vide' }, { field: 'colour', message: 'n’est pas un champ connu' }]));
    const en = (await post('en')).json();
    expect(en.detail).toBe('The request body has 2 invalid fields.');
    expect(en.errors).toEqual(expect.arrayContaining([{ field: 'name', message: 'must not be empty' }, { field: 'colour', message: 'is not a known field' }]));
  });

  it('covers a contract’s own rule (a zod refinement) and a use case’s field errors', async () => {
    const provider = await apiKeyFor(t, 'admin@pli.test');
    const contract = { starts_on: '2026-12-01', ends_on: '2020-01-01', onboarding_ends_on: null, options: { undelivered_mail: true, simple_archive: true, electronic_archive: false, user_assistance: false } };
    const badDates = await t.app.inject({ method: 'POST', url: '/api/v1/organisations', headers: { authorization: `Bearer ${provider}`, 'accept-language': 'fr' }, payload: { name: 'Autre', contract } });
    expect(badDates.json().errors).toEqual([{ field: 'contract.ends_on', message: 'ne doit pas se terminer avant de commencer' }]);

    const demo = (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${key}` } })).json().organisation.id;
    const person = { email: 'user@mairie-demo.test', name: 'Double', role: 'client_user', organisation_id: demo };
    const taken = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: { authorization: `Bearer ${provider}`, 'accept-language': 'fr' }, payload: person });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ title: 'Conflit', detail: 'Un compte existe déjà avec l’adresse e-mail user@mairie-demo.test.', errors: [{ field: 'email', message: 'est déjà utilisée par un autre compte' }] });
  });
});
