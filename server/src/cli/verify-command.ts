import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { describeCheck, verifyBundle } from '#verifier/verify.js';

/** What a command answers (commands.ts's CommandResult has the same shape). */
export interface CommandResult {
  code: number;
  stdout: string[];
  stderr: string[];
}

export const VERIFY_USAGE = `Usage: npm run pli -- verify <file> <bundle.json> [--root <root.pem>] [--lang fr|en]

Checks offline — no server, no network — that <file> is the document a Pli proof bundle
(GET /api/v1/archive/{id}/proof) vouches for: its hashes, its RFC 3161 time-stamp, its journal
entries, the sealed and time-stamped checkpoint that holds them, and that the journal only grew.
--root pins the root certificate you trust (Pli publishes its fingerprint). Exit 0: verified.`;

/** `npm run pli -- verify <file> <bundle>`: the offline verifier, with no database or server. */
export async function runVerify(args: string[]): Promise<CommandResult> {
  let values: { root?: string; lang?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, options: { root: { type: 'string' }, lang: { type: 'string' } }, allowPositionals: true, strict: true }));
  } catch (err) {
    return { code: 2, stdout: [], stderr: [(err as Error).message, '', VERIFY_USAGE] };
  }
  const [filePath, bundlePath] = positionals;
  if (!filePath || !bundlePath || positionals.length > 2) return { code: 2, stdout: [], stderr: [VERIFY_USAGE] };
  const read = (p: string, what: string): Buffer | string => {
    try {
      return fs.readFileSync(p);
    } catch (err) {
      return `Cannot read the ${what} ${p}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`;
    }
  };
  const file = read(filePath, 'file');
  const bundle = read(bundlePath, 'bundle');
  const root = values.root === undefined ? undefined : read(values.root, 'root certificate');
  for (const v of [file, bundle, root]) if (typeof v === 'string') return { code: 2, stdout: [], stderr: [v] };
  const lang = values.lang === 'fr' ? 'fr' : 'en';
  const result = await verifyBundle(new Uint8Array(file as Buffer), (bundle as Buffer).toString('utf8'), root === undefined ? {} : { pinnedRoot: (root as Buffer).toString('utf8') });
  const lines = result.checks.map((c) => `${c.ok ? '✓' : '✗'} ${describeCheck(c, lang)}`);
  const verdict = result.ok
    ? lang === 'fr' ? 'VÉRIFIÉ\u00a0: ce fichier est celui que Pli a archivé, et sa preuve tient.' : 'VERIFIED: this file is the one Pli archived, and its proof holds.'
    : lang === 'fr' ? 'NON VÉRIFIÉ\u00a0: voir ci-dessus ce qui ne tient pas.' : 'NOT VERIFIED: see above what does not hold.';
  return result.ok ? { code: 0, stdout: [...lines, verdict], stderr: [] } : { code: 1, stdout: lines, stderr: [verdict] };
}
