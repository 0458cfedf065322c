import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, backends, createTestApp, tempDir, uploadLetter, FIXTURES, type TestApp } from '../../../test/helpers.js';
import { startSmtpServer } from '../../../test/smtp-server.js';
import { completeDemoLogin } from '../../../test/oidc-login.js';
import { fixedClock } from '../../platform/clock/clock.js';
import { inScope, systemScope } from '../../platform/db/scope.js';
import { createDemoIdentityProvider, type DemoIdentityProvider } from '../../platform/identity/demo-idp.js';
import { createOidcIdentityProvider } from '../../platform/identity/oidc.identity.js';
import { identityCallback, runDeadlines, sendElectronicOrder } from './index.js';

const DAY = 24 * 3600_000;
const PUBLIC_URL = 'http://localhost:3000';
const SENDER = 'Mairie de Démoville';
const SUBJECT = 'Mise en demeure — loyers impayés';

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

/** The text of a PDF, by poppler (an outside reader). */
async function pdfText(pdf: Buffer): Promise<string> {
  const dir = tempDir('cover');
  try {
    fs.writeFileSync(path.join(dir, 'c.pdf'), pdf);
    return spawnSync('pdftotext', ['c.pdf', '-'], { cwd: dir, encoding: 'utf8' }).stdout;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** openssl, an outside judge: the record's seal and its time-stamp token. */
function opensslVerifies(record: string, sealB64: string, tokenB64: string, root: string): { seal: boolean; token: boolean } {
  const dir = tempDir('evidence');
  try {
    fs.writeFileSync(path.join(dir, 'record.json'), record);
    fs.writeFileSync(path.join(dir, 'seal.der'), Buffer.from(sealB64, 'base64'));
    fs.writeFileSync(path.join(dir, 'token.der'), Buffer.from(tokenB64, 'base64'));
    fs.writeFileSync(path.join(dir, 'root.pem'), root);
    const seal = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'seal.der', '-content', 'record.json', '-CAfile', 'root.pem', '-purpose', 'any', '-out', '/dev/null'], { cwd: dir, encoding: 'utf8' });
    const token = spawnSync('openssl', ['ts', '-verify', '-data', 'record.json', '-in', 'token.der', '-token_in', '-CAfile', 'root.pem', '-untrusted', 'root.pem'], { cwd: dir, encoding: 'utf8' });
    return { seal: seal.status === 0, token: token.status === 0 && /Verification: OK/.test(token.stdout) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe.each(backends())('electronic letters on %s', (kind) => {
  let t: TestApp;
  let key: string;
  let doc: string;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let idpServer: http.Server;
  let demo: DemoIdentityProvider;
  // Near the real time: openssl judges the certificates against its own clock.
  const clock = fixedClock(new Date(Math.floor(Date.now() / 60_000) * 60_000));
  const auth = () => ({ authorization: `Bearer ${key}`, 'accept-language': 'en' });

  beforeAll(async () => {
    // The recipient's mail server refuses one address for good (550), as a real one would.
    smtp = await startSmtpServer({
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('nobody@')) return callback(Object.assign(new Error('5.1.1 no such user'), { responseCode: 550 }));
        callback();
      },
    });
    let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
    idpServer = http.createServer((req, res) => handler(req, res));
    const issuer = `${await listen(idpServer)}/demo-idp`;
    demo = await createDemoIdentityProvider({ issuer, clients: [{ client_id: 'pli', client_secret: 'test-secret-of-the-demo-client', redirect_uris: [identityCallback(PUBLIC_URL)] }] });
    handler = (req, res) => demo.handler(req, res);
    const identity = createOidcIdentityProvider({ issuer, clientId: 'pli', clientSecret: 'test-secret-of-the-demo-client', allowInsecureHttp: true });
    t = await createTestApp(kind, { env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, PLI_PUBLIC_URL: PUBLIC_URL }, overrides: { clock, identity } });
    await inScope(t.container.db, systemScope, (tx) => tx.updateTable('organisations').set({ name: SENDER }).where('kind', '=', 'client').execute());
    key = await apiKeyFor(t, 'user@mairie-demo.test');
    doc = await uploadLetter(t, key, 'lettre-3-pages.pdf');
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await demo?.close();
    await new Promise((resolve) => idpServer?.close(resolve));
  });

  const recipient = (name: string, email: string, extra: Record<string, unknown> = {}) => ({
    email,
    name,
    address: [name.toUpperCase(), '12 RUE DES LILAS', '75011 PARIS'],
    country: 'FR',
    kind: 'professional',
    phone: '+33612345678',
    ...extra,
  });

  /** Sends an order as the API does, then runs the sending job and the outbox by hand. */
  async function send(body: Record<string, unknown>) {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: auth(), payload: { kind: 'electronic', name: SUBJECT, documents: [doc], ...body } });
    expect(created.statusCode, created.body).toBe(201);
    const submitted = await t.app.inject({ method: 'POST', url: `/api/v1/orders/${created.json().id}/submit`, headers: auth() });
    expect(submitted.statusCode, submitted.body).toBe(202);
    expect(submitted.json().status).toBe('submitted');
    await sendElectronicOrder(t.container.eletters, created.json().id);
    await deliverOutbox();
    return (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${created.json().id}`, headers: auth() })).json();
  }

  async function deliverOutbox() {
    const queued = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('outbox_messages').select('id').where('status', '=', 'queued').execute());
    for (const m of queued) await t.container.mail.deliver(m.id);
  }

  /** The link's secret, from the notification as the recipient's mail server received it. */
  function linkFor(email: string): string {
    const raw = smtp.received.filter((m) => m.rcptTo.includes(email)).at(-1)!.raw.replace(/=\r?\n/g, '');
    return /\/r\/([A-Za-z0-9_-]{43})/.exec(raw)![1]!;
  }

  function lastText(): string {
    const dir = path.join(t.container.config.dataDir, 'texts');
    const files = fs.readdirSync(dir).sort();
    return /connexion est (\d{6})/.exec(fs.readFileSync(path.join(dir, files.at(-1)!), 'utf8'))![1]!;
  }

  /** A recipient's browser: their cookie and CSRF token. */
  async function openRegistered(email: string, familyName: string) {
    const opened = await t.app.inject({ method: 'POST', url: '/api/v1/recipient/sessions', payload: { link: linkFor(email) } });
    expect(opened.statusCode, opened.body).toBe(201);
    expect(opened.json().stage).toBe('identity');
    const cookie = String([opened.headers['set-cookie']].flat()[0]).split(';')[0]!;
    const csrf = opened.json().csrf_token as string;
    const start = await t.app.inject({ method: 'GET', url: '/api/v1/recipient/identity/start', headers: { cookie } });
    expect(start.statusCode).toBe(302);
    const callback = await completeDemoLogin(String(start.headers.location), { givenName: 'Jean', familyName, birthdate: '1970-01-31' });
    const back = await t.app.inject({ method: 'GET', url: `/api/v1/recipient/identity/callback${callback.search}`, headers: { cookie } });
    expect(back.statusCode).toBe(302);
    await deliverOutbox(); // the text message with the code
    return { cookie, csrf, back: String(back.headers.location) };
  }

  const verifyAll = async (mailpiece: string) => {
    const list = await t.app.inject({ method: 'GET', url: `/api/v1/mailpieces/${mailpiece}/evidence`, headers: auth() });
    expect(list.statusCode).toBe(200);
    return list.json().data as Array<{ event: string; record: string; seal: string; timestamp_token: string; sha256: string; previous: string | null; at: string }>;
  };

  it('registered: the notification names neither sender nor subject; identity check, text code, accepted on D+1, downloaded; every record verifies with openssl, a tampered one does not', async () => {
    const order = await send({ options: { registered: true }, recipients: [recipient('Jean DUPONT', 'jean.dupont@example.fr')] });
    expect(order.status).toBe('in_production');
    const [mp] = order.mailpieces;
    expect(mp).toMatchObject({ channel: 'electronic', status: 'notified', recipient: { name: 'Jean DUPONT' } });
    expect(mp.envoi).toMatch(/^LE\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    const mail = smtp.received.find((m) => m.rcptTo.includes('jean.dupont@example.fr'))!;
    const text = mail.raw.replace(/=\r?\n/g, '');
    expect(text).not.toContain('Démoville');
    expect(text).not.toContain('D=C3=A9moville');
    expect(text).not.toContain('loyers');
    expect(text).not.toContain('Mise en demeure');
    expect(text).toContain(mp.envoi);

    // The next day (a session lasts two hours: the recipient comes back and signs in).
    clock.advance(DAY);
    const browser = await openRegistered('jean.dupont@example.fr', 'Dupont');
    expect(browser.back).toBe(`${PUBLIC_URL}/r/letter`);
    const h = { cookie: browser.cookie, 'x-csrf-token': browser.csrf };
    // Identity checked, the second factor not yet given: the letter stays shut.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/recipient/letter', headers: h })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/recipient/text-code', headers: h, payload: { code: lastText() === '000000' ? '111111' : '000000' } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/recipient/text-code', headers: h, payload: { code: lastText() } })).statusCode).toBe(204);
    const before = await t.app.inject({ method: 'GET', url: '/api/v1/recipient/letter', headers: h });
    expect(before.json()).toMatchObject({ status: 'notified', sender: null, subject: null, documents: null });
    expect(JSON.stringify(before.json())).not.toContain('Démoville');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/recipient/letter/documents/1', headers: h })).statusCode).toBe(403);

    const accepted = await t.app.inject({ method: 'POST', url: '/api/v1/recipient/letter/accept', headers: h });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ status: 'accepted', sender: SENDER, subject: SUBJECT, documents: [{ number: 1, filename: 'lettre-3-pages.pdf' }] });
    const pdf = await t.app.inject({ method: 'GET', url: '/api/v1/recipient/letter/documents/1', headers: h });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.equals(fs.readFileSync(path.join(FIXTURES, 'letters', 'lettre-3-pages.pdf')))).toBe(true);
    // A second decision is refused.
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/recipient/letter/refuse', headers: h })).statusCode).toBe(409);

    const after = (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${order.id}`, headers: auth() })).json();
    expect(after.mailpieces[0].status).toBe('accepted');
    // Its one letter decided, the order is complete.
    expect(after.status).toBe('completed');
    const evidence = await verifyAll(mp.id);
    expect(evidence.map((e) => e.event)).toEqual(['SubmissionAcceptance', 'NotificationForAcceptance', 'ConsignmentAcceptance', 'ContentAccessTracking']);
    const root = t.container.trust.keys.root.certificatePem;
    for (const [i, e] of evidence.entries()) {
      expect(e.previous).toBe(i === 0 ? null : evidence[i - 1]!.sha256);
      expect(opensslVerifies(e.record, e.seal, e.timestamp_token, root)).toEqual({ seal: true, token: true });
    }
    const acceptance = JSON.parse(evidence[2]!.record);
    expect(acceptance).toMatchObject({ event: 'ConsignmentAcceptance', envoi: mp.envoi, recipient: { name: 'Jean DUPONT' }, sender: { name: SENDER }, details: { identity: { family_name: 'Dupont' } } });
    expect(acceptance.content[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    const tampered = evidence[2]!.record.replace('ConsignmentAcceptance', 'ConsignmentRejection');
    expect(opensslVerifies(tampered, evidence[2]!.seal, evidence[2]!.timestamp_token, root)).toEqual({ seal: false, token: false });

    // The proof of receipt as the sender files it: a sealed PDF, the record, seal and token inside.
    const proof = await t.app.inject({ method: 'GET', url: `/api/v1/evidence/${(evidence[2] as unknown as { id: string }).id}/pdf`, headers: auth() });
    expect(proof.statusCode).toBe(200);
    const dir = tempDir('proof-pdf');
    try {
      fs.writeFileSync(path.join(dir, 'p.pdf'), proof.rawPayload);
      expect(spawnSync('pdfsig', ['p.pdf'], { cwd: dir, encoding: 'utf8' }).stdout).toContain('Signature Validation: Signature is Valid.');
      expect(spawnSync('qpdf', ['--check', 'p.pdf'], { cwd: dir }).status).toBe(0);
      const attached = spawnSync('qpdf', ['--show-attachment=record.json', 'p.pdf'], { cwd: dir, encoding: 'utf8' }).stdout;
      expect(attached).toBe(evidence[2]!.record);
      expect(spawnSync('pdftotext', ['p.pdf', '-'], { cwd: dir, encoding: 'utf8' }).stdout).toContain('Preuve de réception (acceptation)');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('registered: refused on D+15 keeps the sender hidden, and nothing falls back after the window', async () => {
    const order = await send({ options: { registered: true }, recipients: [recipient('Marie Curie', 'marie.curie@example.fr')] });
    const mp = order.mailpieces[0];
    const closes = new Date(mp.deadline_at).getTime();
    clock.set(new Date(closes - 10 * 60_000)); // 23:50 on D+15, Paris time
    const browser = await openRegistered('marie.curie@example.fr', 'Curie');
    const h = { cookie: browser.cookie, 'x-csrf-token': browser.csrf };
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/recipient/text-code', headers: h, payload: { code: lastText() } })).statusCode).toBe(204);
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/recipient/letter/refuse', headers: h });
    expect(refused.statusCode, refused.body).toBe(200);
    expect(refused.json()).toMatchObject({ status: 'refused', sender: null, subject: null, documents: null });
    clock.set(new Date(closes + DAY));
    await runDeadlines(t.container.eletters);
    const after = (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${order.id}`, headers: auth() })).json();
    expect(after.mailpieces[0]).toMatchObject({ status: 'refused', fallback_mailpiece: null });
    expect((await verifyAll(mp.id)).map((e) => e.event)).toEqual(['SubmissionAcceptance', 'NotificationForAcceptance', 'ConsignmentRejection']);
  });

  it('registered: nothing until the end of D+15, then non-claim exactly once — one registered paper mailpiece in production, even with two passes at once', async () => {
    clock.set(new Date(Math.floor(Date.now() / 60_000) * 60_000));
    const order = await send({ options: { registered: true }, recipients: [recipient('Paul Martin', 'paul.martin@example.fr')] });
    const mp = order.mailpieces[0];
    const closes = new Date(mp.deadline_at).getTime();
    clock.set(new Date(closes - 1000));
    expect((await runDeadlines(t.container.eletters)).expired).toBe(0);
    clock.set(new Date(closes));
    const passes = await Promise.all([runDeadlines(t.container.eletters), runDeadlines(t.container.eletters)]);
    expect(passes.reduce((n, p) => n + p.expired, 0)).toBe(1);
    const after = (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${order.id}`, headers: auth() })).json();
    expect(after.mailpieces[0].status).toBe('fallback_paper');
    const paperId = after.mailpieces[0].fallback_mailpiece as string;
    expect(paperId).toMatch(/^mp_/);
    const papers = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('orders').selectAll().where('fallback_of', '=', mp.id).execute());
    expect(papers).toHaveLength(1);
    expect(papers[0]).toMatchObject({ kind: 'paper', status: 'submitted', address_source: 'recipients' });
    expect(papers[0]!.options).toMatchObject({ mail_class: 'registered', registered_level: 'R1' });
    // In front of the letter, the cover page says what the paper is: the sealed original's print.
    const cover = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('documents').select(['sha256', 'pages']).where('id', '=', papers[0]!.documents[0]!).executeTakeFirstOrThrow());
    expect(papers[0]!.documents.slice(1)).toEqual([doc]);
    const coverText = await pdfText(await readAll(await t.container.storage.get(cover.sha256!)));
    expect(coverText).toContain(mp.envoi);
    expect(coverText).toContain('Printed rendering of a sealed electronic letter');
    const letterSha = (await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('documents').select('sha256').where('id', '=', doc).executeTakeFirstOrThrow())).sha256!;
    expect(coverText.replace(/\s+/g, '')).toContain(letterSha);
    const paperMp = await t.app.inject({ method: 'GET', url: `/api/v1/mailpieces/${paperId}`, headers: auth() });
    expect(paperMp.json()).toMatchObject({ status: 'pending', recipient: { address: ['PAUL MARTIN', '12 RUE DES LILAS', '75011 PARIS'] } });
    // The floor's intake has it: the paper order follows production like any other.
    const intake = await sql<{ payload: { order_id: string } }>`SELECT payload FROM jobs WHERE queue = 'production.intake'`.execute(t.container.db);
    expect(intake.rows.map((j) => j.payload.order_id)).toContain(papers[0]!.id);
    const events = (await verifyAll(mp.id)).map((e) => e.event);
    expect(events).toEqual(['SubmissionAcceptance', 'NotificationForAcceptance', 'AcceptanceRejectionExpiry', 'RelayToNonERDS']);
    // Past the window, the recipient can no longer decide.
    clock.advance(DAY);
    expect((await runDeadlines(t.container.eletters)).expired).toBe(0);
  });

  it('simple with "post it after 5 days": opened on day 4 with its code (no paper); another, never opened, is posted at the end of D+5', async () => {
    clock.set(new Date(Math.floor(Date.now() / 60_000) * 60_000));
    const order = await send({
      options: { registered: false },
      recipients: [recipient('Anne Leroy', 'anne.leroy@example.fr', { kind: 'consumer', consent_ref: 'CGU-2026-0042' }), recipient('Luc Petit', 'luc.petit@example.fr')],
      fallback: { after_days: 5, paper_options: { color: 'bw', sides: 'duplex', envelope: 'C5/6', mail_class: 'priority' } },
    });
    const [anne, luc] = order.mailpieces;
    const mailToAnne = smtp.received.filter((m) => m.rcptTo.includes('anne.leroy@example.fr')).at(-1)!.raw.replace(/=\r?\n/g, '');
    expect(mailToAnne).toContain('Mise en demeure'); // a simple letter names its subject and sender
    const code = /works once\): (\d{4}-\d{4})/.exec(mailToAnne)![1]!;
    clock.advance(4 * DAY);
    const opened = await t.app.inject({ method: 'POST', url: '/api/v1/recipient/sessions', payload: { link: linkFor('anne.leroy@example.fr'), code } });
    expect(opened.statusCode, opened.body).toBe(201);
    expect(opened.json()).toMatchObject({ stage: 'open', status: 'opened' });
    // Single use: the same code opens nothing twice.
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/recipient/sessions', payload: { link: linkFor('anne.leroy@example.fr'), code } })).statusCode).toBe(410);

    clock.set(new Date(new Date(luc.deadline_at).getTime()));
    expect(new Date(anne.deadline_at).getTime()).toBe(new Date(luc.deadline_at).getTime());
    expect((await runDeadlines(t.container.eletters)).expired).toBe(1);
    const after = (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${order.id}`, headers: auth() })).json();
    expect(after.mailpieces.map((m: { status: string }) => m.status)).toEqual(['opened', 'fallback_paper']);
    const paper = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('orders').selectAll().where('fallback_of', '=', luc.id).executeTakeFirstOrThrow());
    expect(paper.options).toMatchObject({ mail_class: 'priority', sides: 'duplex' });
    expect(after.mailpieces[0].fallback_mailpiece).toBeNull();
  });

  it('a notification the recipient’s server refuses for good is recorded as failed, and the registered letter goes by paper at once', async () => {
    const order = await send({ options: { registered: true }, recipients: [recipient('Nobody Here', 'nobody@example.fr')] });
    expect(order.mailpieces[0].status).toBe('fallback_paper');
    const events = (await verifyAll(order.mailpieces[0].id)).map((e) => e.event);
    expect(events).toEqual(['SubmissionAcceptance', 'NotificationForAcceptanceFailure', 'RelayToNonERDS']);
  });

  it('a bounce report (RFC 3464) after the server took the notification: failure evidence, then paper; the same report twice changes nothing', async () => {
    const order = await send({ options: { registered: true }, recipients: [recipient('Claire Absente', 'claire.absente@example.fr')] });
    expect(order.mailpieces[0].status).toBe('notified');
    const sent = smtp.received.filter((m) => m.rcptTo.includes('claire.absente@example.fr')).at(-1)!.raw;
    const messageId = /^Message-ID: (<msg_[0-9a-z]+@pli>)/im.exec(sent)![1]!;
    const boundary = 'BOUNDARY-DSN-1';
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.example.fr>',
      'To: no-reply@pli.test',
      'Subject: Undelivered Mail Returned to Sender',
      `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain',
      '',
      'The mail system could not deliver your message.',
      `--${boundary}`,
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.fr',
      '',
      'Final-Recipient: rfc822; claire.absente@example.fr',
      'Action: failed',
      'Status: 5.2.1',
      'Diagnostic-Code: smtp; 550 5.2.1 mailbox disabled,',
      '  no longer in use',
      `--${boundary}`,
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: ${messageId}`,
      'To: claire.absente@example.fr',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const admin = await apiKeyFor(t, 'admin@pli.test');
    const post = () => t.app.inject({ method: 'POST', url: '/api/v1/outbox/bounces', headers: { authorization: `Bearer ${admin}`, 'content-type': 'message/rfc822' }, payload: dsn });
    const first = await post();
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ action: 'failed', status: '5.2.1', recorded: true });
    expect((await post()).json()).toMatchObject({ recorded: false });
    const after = (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${order.id}`, headers: auth() })).json();
    expect(after.mailpieces[0].status).toBe('fallback_paper');
    const events = await verifyAll(order.mailpieces[0].id);
    expect(events.map((e) => e.event)).toEqual(['SubmissionAcceptance', 'NotificationForAcceptance', 'NotificationForAcceptanceFailure', 'RelayToNonERDS']);
    expect(JSON.parse(events[2]!.record).details.reason).toContain('mailbox disabled, no longer in use');
    // Not a report about one of Pli's messages: said so.
    const stray = await t.app.inject({ method: 'POST', url: '/api/v1/outbox/bounces', headers: { authorization: `Bearer ${admin}`, 'content-type': 'message/rfc822', 'accept-language': 'en' }, payload: 'Subject: hello\r\n\r\nnothing' });
    expect(stray.statusCode).toBe(422);
  });

  it('reminds every 3 days until the window closes, and never after a decision; a simple letter’s reminder carries a new code', async () => {
    clock.set(new Date(Math.floor(Date.now() / 60_000) * 60_000));
    const order = await send({ options: { registered: true }, recipients: [recipient('Rémi Rappel', 'remi.rappel@example.fr')] });
    const closes = new Date(order.mailpieces[0].deadline_at).getTime();
    const reminders = async () => (await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('outbox_messages').select('text_body').where('to_address', '=', 'remi.rappel@example.fr').where('template', '=', 'eletter.reminder').execute())).length;
    for (let day = 1; day <= 16; day++) {
      clock.set(new Date(new Date(order.mailpieces[0].notified_at).getTime() + day * DAY));
      if (clock.now().getTime() < closes) await runDeadlines(t.container.eletters);
    }
    expect(await reminders()).toBe(5); // D+3, 6, 9, 12, 15

    clock.set(new Date(Math.floor(Date.now() / 60_000) * 60_000));
    const simple = await send({ options: { registered: false }, recipients: [recipient('Sam Simple', 'sam.simple@example.fr')] });
    const firstCode = /works once\): (\d{4}-\d{4})/.exec(smtp.received.filter((m) => m.rcptTo.includes('sam.simple@example.fr')).at(-1)!.raw)![1]!;
    clock.set(new Date(new Date(simple.mailpieces[0].notified_at).getTime() + 3 * DAY));
    expect((await runDeadlines(t.container.eletters)).reminders).toBeGreaterThanOrEqual(1);
    await deliverOutbox();
    const reminder = smtp.received.filter((m) => m.rcptTo.includes('sam.simple@example.fr')).at(-1)!.raw.replace(/=\r?\n/g, '');
    expect(reminder).toMatch(/Rappel/);
    const newCode = /works once\): (\d{4}-\d{4})/.exec(reminder)![1]!;
    const link = linkFor('sam.simple@example.fr');
    if (newCode !== firstCode) expect((await t.app.inject({ method: 'POST', url: '/api/v1/recipient/sessions', payload: { link, code: firstCode } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/recipient/sessions', payload: { link, code: newCode } })).statusCode).toBe(201);
    // Opened: no more reminders.
    clock.advance(3 * DAY);
    const before = smtp.received.length;
    await runDeadlines(t.container.eletters);
    await deliverOutbox();
    expect(smtp.received.slice(before).filter((m) => m.rcptTo.includes('sam.simple@example.fr'))).toEqual([]);
  });

  it('another person’s identity does not open a registered letter', async () => {
    await send({ options: { registered: true }, recipients: [recipient('Hélène Garnier', 'helene.garnier@example.fr')] });
    const browser = await openRegistered('helene.garnier@example.fr', 'Dupont');
    expect(browser.back).toBe(`${PUBLIC_URL}/r/letter?identity_error=recipient.identity_mismatch`);
    const h = { cookie: browser.cookie };
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/recipient/session', headers: h })).json().stage).toBe('identity');
  });

  it('takes a draft of 10,000 recipients (past the API’s general body limit) and prices each', async () => {
    const recipients = Array.from({ length: 10_000 }, (_, i) => recipient(`Destinataire Numéro ${i}`, `destinataire.${i}@example.fr`));
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: auth(), payload: { kind: 'electronic', name: 'Avis à 10 000', documents: [doc], options: { registered: false }, recipients } });
    expect(created.statusCode, created.body.slice(0, 300)).toBe(201);
    expect(created.json().quote.lines).toMatchObject([{ code: 'eletter_simple', quantity: 10_000 }]);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/orders/${created.json().id}`, headers: auth() })).statusCode).toBe(204);
  });

  it('refuses set-ups the law or the fallback do not allow, field by field', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: auth(),
      payload: { kind: 'electronic', name: 'x', documents: [doc], options: { registered: true }, recipients: [{ ...recipient('A B', 'a@b.fr', { kind: 'consumer' }), phone: undefined }], fallback: { after_days: 3, paper_options: { color: 'bw', sides: 'simplex', envelope: 'C4', mail_class: 'priority' } } },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['fallback.after_days', 'fallback.paper_options.mail_class', 'recipients.0.consent_ref', 'recipients.0.phone']);
    const empty = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: auth(), payload: { kind: 'electronic', name: 'x', documents: [doc], options: { registered: false } } });
    expect(empty.statusCode).toBe(201);
    const submit = await t.app.inject({ method: 'POST', url: `/api/v1/orders/${empty.json().id}/submit`, headers: auth() });
    expect(submit.statusCode).toBe(422);
  });
});
