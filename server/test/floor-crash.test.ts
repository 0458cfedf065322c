import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMark } from '../src/modules/production/print-file.js';
import { backends, createTestDatabase, DEMO_PASSWORD, freePort, FIXTURES, tempDir, until, type TestDatabase } from './helpers.js';
import { pageTexts, readMark } from './print-marks.js';

/**
 * Exactly once on the floor (issue: reliability): the API and a worker as separate processes on
 * PostgreSQL; the worker puts letters into batches and renders their print files, and is killed
 * with SIGKILL at random moments, many times, then restarted. In the end every mailpiece is in one
 * batch, every batch has one print file holding each of its letters once, nothing lost.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe.runIf(backends().includes('postgres'))('the floor survives SIGKILL at random points (PostgreSQL, API and worker processes)', () => {
  let tdb: TestDatabase;
  let dataDir: string;
  let port: number;
  const base = () => `http://127.0.0.1:${port}`;
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    ...process.env,
    DATABASE_URL: tdb.url!,
    PLI_DATA_DIR: dataDir,
    PLI_DEMO_PASSWORD: DEMO_PASSWORD,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
    PLI_RATE_LIMIT_PER_MINUTE: '100000',
    ...extra,
  });
  const spawnTs = (script: string, extra: Record<string, string> = {}) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env: env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    return { child, output: () => out };
  };
  const startWorker = () => spawnTs('server/src/main-worker.ts', { PLI_BATCHING_INTERVAL_SECONDS: '1' });
  async function kill(w: { child: ChildProcess }) {
    if (w.child.exitCode !== null) return;
    w.child.kill('SIGKILL');
    await new Promise((r) => w.child.once('exit', r));
  }
  async function key(email: string): Promise<string> {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'server/src/cli/main-cli.ts', 'api-key', 'create', '--email', email], { cwd: ROOT, env: env() }).toString();
    return out.trim().split('\n').pop()!.trim();
  }
  const call = async (k: string, method: string, url: string, body?: unknown) => {
    const r = await fetch(`${base()}${url}`, { method, headers: { authorization: `Bearer ${k}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const text = await r.text();
    return { status: r.status, json: text ? JSON.parse(text) : null };
  };
  const query = async <T,>(q: ReturnType<typeof sql<T>>) => (await q.execute(tdb.database.db)).rows;

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    dataDir = tempDir('crash');
    port = await freePort();
    const api = spawnTs('server/src/main-api.ts', { PORT: String(port), PLI_WORKERS: 'false' });
    await until(`the API (${api.output()})`, async () => (await fetch(`${base()}/api/health`).catch(() => null))?.ok, 60_000);
  }, 120_000);
  afterAll(async () => {
    await tdb.dispose();
  });

  it('every mailpiece ends in exactly one batch and one print file, however often the worker dies', async () => {
    const [user, operator, admin] = [await key('user@mairie-demo.test'), await key('operator@pli.test'), await key('admin@pli.test')];
    const settings = (await call(admin, 'GET', '/api/v1/production/settings')).json;
    expect((await call(admin, 'PUT', '/api/v1/production/settings', { ...settings, cutoffs: [], batch: { max_mailpieces: 8, max_sheets: 10_000 }, print_file_part_sheets: 50 })).status).toBe(200);

    // Three runs of the 20-letter mail-merge, split at each address: 60 letters, accepted.
    const form = new FormData();
    form.append('file', new Blob([fs.readFileSync(path.join(FIXTURES, 'letters', 'publipostage-20-lettres.pdf'))], { type: 'application/pdf' }), 'publipostage.pdf');
    const doc = await (await fetch(`${base()}/api/v1/documents`, { method: 'POST', headers: { authorization: `Bearer ${user}` }, body: form })).json();
    for (let i = 0; i < 3; i++) {
      const order = (await call(user, 'POST', '/api/v1/orders', { kind: 'paper', name: `Publipostage ${i}`, address_source: 'document', documents: [doc.id], split: { mode: 'address' }, options: { color: 'bw', sides: 'duplex', envelope: 'C5/6', background: null, mail_class: 'priority', archive: { type: 'none' } } })).json;
      expect((await call(user, 'POST', `/api/v1/orders/${order.id}/submit`)).status).toBe(202);
      expect((await call(operator, 'POST', `/api/v1/production/orders/${order.id}/accept`)).status).toBe(204);
    }

    // The worker batches (every second) and renders; it is killed at random moments.
    const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min));
    for (let round = 0; round < 10; round++) {
      const w = startWorker();
      await new Promise((r) => setTimeout(r, random(300, 3000)));
      await kill(w);
      // Whatever the moment, no batch is half-made.
      const { half } = (await query(sql<{ half: number }>`SELECT count(*)::int AS half FROM batches WHERE status <> 'building' AND print_files IS NULL`))[0]!;
      expect(half).toBe(0);
    }

    // The operator closes what is still open; the worker dies a few more times while rendering.
    const w0 = startWorker();
    await until('every letter in a batch', async () => (await query(sql<{ n: number }>`SELECT count(*)::int AS n FROM batch_mailpieces`))[0]!.n === 60, 60_000);
    await kill(w0);
    expect((await call(operator, 'POST', '/api/v1/production/batches/build', { close: true })).status).toBe(200);
    for (let round = 0; round < 3; round++) {
      const w = startWorker();
      await new Promise((r) => setTimeout(r, random(500, 2500)));
      await kill(w);
    }
    const last = startWorker();
    await until(
      'every batch ready to print',
      async () => (await query(sql<{ waiting: number }>`SELECT count(*)::int AS waiting FROM batches WHERE status <> 'ready_to_print'`))[0]!.waiting === 0,
      120_000,
    );
    await kill(last);

    const batches = await query(sql<{ id: string; number: number; mailpieces: number; sheets: number; print_files: { parts: Array<{ sha256: string; sheets: number; pages: number }> } }>`SELECT id, number, mailpieces, sheets, print_files FROM batches ORDER BY number`);
    expect(batches.reduce((s, b) => s + b.mailpieces, 0)).toBe(60);
    const { placed } = (await query(sql<{ placed: number }>`SELECT count(DISTINCT mailpiece_id)::int AS placed FROM batch_mailpieces`))[0]!;
    expect(placed).toBe(60);
    for (const b of batches) {
      const { members } = (await query(sql<{ members: number }>`SELECT count(*)::int AS members FROM batch_mailpieces WHERE batch_id = ${b.id}`))[0]!;
      expect(members).toBe(b.mailpieces);
      // One print file: its sheets are the batch's, one page per side, each letter once (1 sheet each here).
      expect(b.print_files.parts.reduce((s, p) => s + p.sheets, 0)).toBe(b.sheets);
      for (const p of b.print_files.parts) {
        const stored = path.join(dataDir, 'objects', p.sha256.slice(0, 2), p.sha256.slice(2, 4), p.sha256);
        expect(Number(execFileSync('qpdf', ['--show-npages', stored]).toString().trim())).toBe(p.pages);
        expect(p.pages).toBe(p.sheets * 2);
      }
    }

    // What a crash could really break: a letter printed twice, or not at all. Read every sheet of
    // every print file as the floor does (its DataMatrix: batch and position) and by its text: each
    // mailpiece's two pages appear exactly once across all print files, in its slot.
    const source = pageTexts(path.join(FIXTURES, 'letters', 'publipostage-20-lettres.pdf'));
    const slots = await query(sql<{ id: string; number: number; position: number; first_page: number }>`
      SELECT m.id, b.number, bm.position, m.first_page FROM batch_mailpieces bm JOIN batches b ON b.id = bm.batch_id JOIN mailpieces m ON m.id = bm.mailpiece_id`);
    const bySlot = new Map(slots.map((s) => [`${s.number}:${s.position}`, s]));
    const printed = new Map<string, number>();
    for (const b of batches) {
      for (const p of b.print_files.parts) {
        const stored = path.join(dataDir, 'objects', p.sha256.slice(0, 2), p.sha256.slice(2, 4), p.sha256);
        // The floor's own caption beside the DataMatrix ("batch - position - n/m") is not the letter's.
        const pages = pageTexts(stored).map((text) => text.replace(/ ?\b\d+ - \d+ - \d+\/\d+\b ?/, ' ').replace(/\s+/g, ' ').trim());
        expect(pages).toHaveLength(p.pages);
        for (let front = 0; front < pages.length; front += 2) {
          const mark = parseMark(readMark(stored, front + 1));
          expect(mark?.batchNumber).toBe(b.number);
          const mp = bySlot.get(`${mark!.batchNumber}:${mark!.position}`)!;
          expect(mp, `slot ${mark!.batchNumber}:${mark!.position}`).toBeDefined();
          expect(pages[front]).toBe(source[mp.first_page - 1]);
          expect(pages[front + 1]).toBe(source[mp.first_page]);
          printed.set(mp.id, (printed.get(mp.id) ?? 0) + 1);
        }
      }
    }
    expect(printed.size).toBe(60);
    expect([...printed.values()].filter((n) => n !== 1)).toEqual([]);
  }, 420_000);
});
