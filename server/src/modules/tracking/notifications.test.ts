import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, backends, createTestApp, PAPER_OPTIONS, submitLetterOrder, until, type TestApp } from '../../../test/helpers.js';
import { inScope, systemScope } from '../../platform/db/scope.js';

/** E-mail notifications, as each person chose them (Profile › Notifications). */
describe.each(backends())('order notifications on %s', (kind) => {
  let t: TestApp;
  let user: string;
  let operator: string;
  const auth = (k: string) => ({ authorization: `Bearer ${k}` });
  beforeAll(async () => {
    t = await createTestApp(kind, { workers: true });
    user = await apiKeyFor(t, 'user@mairie-demo.test');
    operator = await apiKeyFor(t, 'operator@pli.test');
  });
  afterAll(() => t.close());

  const submitted = (name: string) => submitLetterOrder(t, user, { name, options: { ...PAPER_OPTIONS, sides: 'simplex' } });
  const mails = () => inScope(t.container.db, systemScope, (tx) => tx.selectFrom('outbox_messages').select(['to_address', 'subject', 'text_body', 'template']).where('template', 'like', 'notification.%').execute());

  it('tells the author of a refused order why, in their language; nothing they turned off', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me/notifications', headers: auth(user) })).json()).toEqual({ events: ['mailpiece.returned', 'order.accepted', 'order.completed', 'order.refused'] });
    const refused = await submitted('Relance impayés');
    await t.app.inject({ method: 'POST', url: `/api/v1/production/orders/${refused}/refuse`, headers: auth(operator), payload: { reason: 'La page 2 est au format US Letter.' } });
    const mail = await until('the refusal e-mail', async () => (await mails()).find((m) => m.template === 'notification.order.refused'), 15_000);
    expect(mail).toMatchObject({ to_address: 'user@mairie-demo.test', subject: 'Votre commande « Relance impayés » est refusée' });
    expect(mail.text_body).toContain('La page 2 est au format US Letter.');
    expect(mail.text_body).toContain(`/orders/${refused}`);

    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/me/notifications', headers: auth(user), payload: { events: ['order.completed'] } })).json()).toEqual({ events: ['order.completed'] });
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/me/notifications', headers: auth(user), payload: { events: ['mailpiece.printed'] } })).statusCode).toBe(400);
    const accepted = await submitted('Rappel cantine');
    await t.app.inject({ method: 'POST', url: `/api/v1/production/orders/${accepted}/accept`, headers: auth(operator) });
    await new Promise((r) => setTimeout(r, 2500)); // the dispatcher has run past the acceptance
    expect((await mails()).filter((m) => m.template === 'notification.order.accepted')).toEqual([]);
  });
});
