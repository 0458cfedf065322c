// What every journey shares: a real Chromium on the server that e2e/run.ts started, a
// record of console errors (CSP violations included), and a screenshot when a journey fails.
// Journeys run in their own processes (node:test), so everything arrives through the
// environment that run.ts sets: E2E_BASE_URL, E2E_ARTIFACTS_DIR, E2E_MAILBOX_DIR, CHROMIUM_PATH.

import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { APIResponse, Browser, ConsoleMessage, Locator, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { generate } from 'otplib';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

function baseUrl(): string {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error('E2E_BASE_URL is not set: run journeys through `npm run test:e2e`');
  return url.replace(/\/$/, '');
}

function artifactsDir(): string {
  return process.env.E2E_ARTIFACTS_DIR || path.resolve('.tmp/e2e/artifacts');
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}

export interface JourneyOptions {
  /** Browser locale; French is the portal's default language. */
  locale?: string;
  viewport?: { width: number; height: number };
  /** Console errors a journey expects on purpose (matched against the message text). */
  allowConsoleErrors?: RegExp[];
}

export interface Journey {
  page: Page;
  /** Absolute URL of a path on the server under test. */
  url(pathname: string): string;
  /** Labels the next actions: a failure names the step it happened in. */
  step<T>(name: string, action: () => Promise<T>): Promise<T>;
  /** Console errors, page errors and CSP violations seen so far. */
  problems(): string[];
  /** A page in a new browser context (another person, with their own cookies), watched like `page`. */
  newPage(): Promise<Page>;
}

function describeConsole(message: ConsoleMessage): string {
  const where = message.location();
  const at = where.url ? ` (${where.url}${where.lineNumber ? `:${where.lineNumber}` : ''})` : '';
  return `console.${message.type()}: ${message.text()}${at}`;
}

function fileNameFor(title: string): string {
  return title.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase() || 'journey';
}

/**
 * Runs one journey in a fresh browser. After the journey's own checks it fails if the page
 * logged any console error, threw, or violated the Content-Security-Policy.
 */
export async function journey(
  t: TestContext,
  run: (j: Journey) => Promise<void>,
  options: JourneyOptions = {},
): Promise<void> {
  const browser = await launchBrowser();
  const problems: string[] = [];
  const allowed = options.allowConsoleErrors ?? [];
  let currentStep = '(start)';
  try {
    // Each person of a journey gets their own browser context (cookies, storage), all watched
    // for console errors, page errors and CSP violations the same way.
    const openPage = async (): Promise<Page> => {
      const context = await browser.newContext({
        locale: options.locale ?? 'fr-FR',
        viewport: options.viewport ?? { width: 1280, height: 800 },
      });
      // Also catch CSP violations that Chromium does not log to the console (e.g. reported
      // from a worker). The init script runs through the DevTools protocol, outside the CSP.
      await context.exposeBinding('__pliReportViolation', (_source, text: string) => {
        problems.push(text);
      });
      await context.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (event) => {
          const report = (window as unknown as { __pliReportViolation?: (text: string) => void })
            .__pliReportViolation;
          void report?.(
            `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'} ` +
              `(${event.sourceFile || event.documentURI}:${event.lineNumber})`,
          );
        });
      });
      const opened = await context.newPage();
      opened.setDefaultTimeout(15_000);
      opened.setDefaultNavigationTimeout(30_000);
      opened.on('console', (message) => {
        if (message.type() !== 'error') return;
        const text = describeConsole(message);
        if (!allowed.some((pattern) => pattern.test(text))) problems.push(text);
      });
      opened.on('pageerror', (error) => problems.push(`page error: ${error.stack ?? error.message}`));
      return opened;
    };
    const page = await openPage();

    const j: Journey = {
      page,
      url: (pathname) => `${baseUrl()}${pathname.startsWith('/') ? '' : '/'}${pathname}`,
      async step(name, action) {
        currentStep = name;
        t.diagnostic(`step: ${name}`);
        return action();
      },
      problems: () => [...problems],
      newPage: openPage,
    };

    try {
      await run(j);
      currentStep = '(console check)';
      // Let late errors (a failed background fetch, a deferred violation) surface.
      await page.waitForTimeout(250);
      if (problems.length > 0) {
        throw new Error(`the page reported ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
      }
    } catch (error) {
      const shot = await saveArtifacts(t.name, page, problems).catch((e: unknown) => `(no screenshot: ${String(e)})`);
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`step "${currentStep}" failed: ${message}\n  artifacts: ${shot}`, { cause: error });
    }
  } finally {
    await browser.close().catch(() => undefined);
  }
}

async function saveArtifacts(title: string, page: Page, problems: string[]): Promise<string> {
  const dir = artifactsDir();
  await mkdir(dir, { recursive: true });
  const base = path.join(dir, fileNameFor(title));
  await page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 5_000 });
  await writeFile(`${base}.txt`, `url: ${page.url()}\n\nproblems:\n${problems.join('\n')}\n\n${await page.content()}\n`);
  return `${base}.png`;
}

/** Waits until the locator is visible; playwright-core has no `expect`, this is enough. */
export async function see(locator: Locator, timeout?: number): Promise<void> {
  await locator.first().waitFor({ state: 'visible', ...(timeout === undefined ? {} : { timeout }) });
}

/** Polls until `read()` returns the wanted value, then returns it; fails with the last value. */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  wanted: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!wanted(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  return last;
}

// Two-step verification of the people a journey enrolled, for the journeys after it on the same
// server (journeys run one after the other, in file-name order). The file lives with the
// artifacts, which run.ts empties at the start of every run, like the server's data.
const TOTP_STEP_MS = 30_000;

interface EnrolledSecret {
  secret: string;
  /** When a code was last accepted: the server takes each 30-second step's code once. */
  usedAt: number;
}

function secretsFile(): string {
  return path.join(artifactsDir(), 'totp-secrets.json');
}

async function readSecrets(): Promise<Record<string, EnrolledSecret>> {
  try {
    return JSON.parse(await readFile(secretsFile(), 'utf8')) as Record<string, EnrolledSecret>;
  } catch {
    return {};
  }
}

/** Keeps the secret someone just enrolled with (a code of the current step was just accepted). */
export async function rememberTotpSecret(email: string, secret: string): Promise<void> {
  const secrets = await readSecrets();
  secrets[email] = { secret, usedAt: Date.now() };
  await mkdir(artifactsDir(), { recursive: true });
  await writeFile(secretsFile(), JSON.stringify(secrets, null, 2));
}

/**
 * A code for someone an earlier journey enrolled, from a time step not used yet (waiting for
 * the next step if needed); null when no journey of this run enrolled them.
 */
export async function nextTotpCode(email: string): Promise<string | null> {
  const secrets = await readSecrets();
  const known = secrets[email];
  if (!known) return null;
  const stepOf = (ms: number) => Math.floor(ms / TOTP_STEP_MS);
  if (stepOf(Date.now()) <= stepOf(known.usedAt)) {
    await new Promise((resolve) => setTimeout(resolve, (stepOf(known.usedAt) + 1) * TOTP_STEP_MS - Date.now() + 500));
  }
  const code = await generate({ secret: known.secret });
  secrets[email] = { ...known, usedAt: Date.now() };
  await writeFile(secretsFile(), JSON.stringify(secrets, null, 2));
  return code;
}

export const DEMO_PASSWORD = 'demo-password-123'; // PLI_DEMO_PASSWORD, set by e2e/run.ts

/** A form field by its whole label (Mantine appends " *" to required fields' labels). */
export function field(page: Page, label: string): Locator {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return page.getByLabel(new RegExp(`^${escaped}(\\s*\\*)?$`));
}

/** Signs a staff member in: enrols two-step verification at the first sign-in, or types a code from the secret kept then. */
export async function signInStaff(page: Page, url: (path: string) => string, email: string): Promise<void> {
  await page.goto(url('/login'));
  await see(page.getByRole('heading', { level: 1, name: 'Connexion' }));
  await field(page, 'Adresse e-mail').fill(email);
  await field(page, 'Mot de passe').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  const enrol = page.getByRole('heading', { level: 1, name: 'Activer la vérification en deux étapes' });
  const verify = page.getByRole('heading', { level: 1, name: 'Vérification en deux étapes' });
  await see(enrol.or(verify));
  if (await enrol.isVisible()) {
    const secret = await field(page, 'Clé secrète').inputValue();
    await field(page, 'Code affiché par l’application').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Activer' }).click();
    await rememberTotpSecret(email, secret);
    await see(page.getByRole('heading', { level: 1, name: 'Vos codes de secours' }));
    await field(page, 'J’ai enregistré ces codes en lieu sûr').check();
    await page.getByRole('button', { name: 'Continuer vers le portail' }).click();
  } else {
    const code = await nextTotpCode(email);
    assert.ok(code, `${email} was enrolled by an earlier journey of this run, which kept the secret`);
    await field(page, 'Code de vérification').fill(code);
    await page.getByRole('button', { name: 'Vérifier' }).click();
  }
}


/** Presses the wizard's "Suivant" once, and sees the next step's heading. */
export async function nextWizardStep(page: Page, heading: string): Promise<void> {
  await page.getByRole('button', { name: 'Suivant' }).click();
  await see(page.getByRole('heading', { level: 2, name: heading }).first());
}

/**
 * The newest e-mail to `to` in the server's mailbox (Pli delivers there without SMTP), as text:
 * what the person finds in their own mail program, working links included.
 */
export async function mailTo(to: string): Promise<string | null> {
  const dir = process.env.E2E_MAILBOX_DIR;
  if (!dir) throw new Error('E2E_MAILBOX_DIR is not set: run journeys through `npm run test:e2e`');
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(`-${to}.eml`)).sort();
  const last = files.at(-1);
  if (!last) return null;
  return (await readFile(path.join(dir, last), 'utf8'))
    .replace(/=\r?\n/g, '')
    .replace(/(?:=[0-9A-F]{2})+/g, (m) => Buffer.from(m.replace(/=/g, ''), 'hex').toString('utf8'));
}

/** The API as the signed-in person of `page` calls it: their session cookie, their CSRF token on writes. */
export async function apiOf(page: Page, url: (path: string) => string) {
  const session = await page.request.get(url('/api/v1/session'));
  assert.equal(session.status(), 200, await session.text());
  const headers = { 'X-CSRF-Token': ((await session.json()) as { csrf_token: string }).csrf_token };
  const check = async (what: string, answer: APIResponse, status: number) => {
    assert.equal(answer.status(), status, `${what}: ${answer.status()} ${await answer.text()}`);
    return answer.status() === 204 ? null : ((await answer.json()) as Record<string, unknown>);
  };
  return {
    get: async (p: string) => (await check(`GET ${p}`, await page.request.get(url(p)), 200)) as Record<string, any>,
    post: async (p: string, data: unknown, status: number, multipart?: Record<string, { name: string; mimeType: string; buffer: Buffer }>) =>
      (await check(`POST ${p}`, await page.request.post(url(p), { headers, ...(multipart ? { multipart } : { data: data ?? {} }) }), status)) as Record<string, any>,
  };
}
