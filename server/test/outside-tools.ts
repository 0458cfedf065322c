import { spawnSync } from 'node:child_process';

/**
 * The programs some tests lean on besides Node: the outside judges of what Pli produces (qpdf,
 * poppler's pdftotext/pdftoppm, dmtxread, openssl) and LibreOffice. CI installs every one of them and a
 * missing one fails the run there (global-setup); on a bare machine the checks that need one are
 * skipped, and global-setup says so in one line.
 */
export const OUTSIDE_TOOLS = {
  qpdf: { probe: ['qpdf', '--version'], install: 'qpdf' },
  pdftotext: { probe: ['pdftotext', '-v'], install: 'poppler-utils' },
  pdftoppm: { probe: ['pdftoppm', '-v'], install: 'poppler-utils' },
  // The judge of sealed PDFs (certificates of deposit and destruction).
  pdfsig: { probe: ['pdfsig', '-v'], install: 'poppler-utils' },
  dmtxread: { probe: ['dmtxread', '--version'], install: 'dmtx-utils' },
  soffice: { probe: [process.env.PLI_SOFFICE ?? 'soffice', '--version'], install: 'libreoffice-writer-nogui' },
  // The judge of time-stamps and certificates (openssl ts -verify, openssl verify).
  openssl: { probe: ['openssl', 'version'], install: 'openssl' },
} as const;

export type OutsideTool = keyof typeof OUTSIDE_TOOLS;

const found = new Map<OutsideTool, boolean>();

export function hasTool(tool: OutsideTool): boolean {
  let ok = found.get(tool);
  if (ok === undefined) {
    const [cmd, ...args] = OUTSIDE_TOOLS[tool].probe;
    ok = spawnSync(cmd, args, { stdio: 'ignore' }).error === undefined;
    found.set(tool, ok);
  }
  return ok;
}

/** For `it.skipIf(…)`: true when one of the tools is missing here. */
export const lacks = (...tools: OutsideTool[]): boolean => tools.some((t) => !hasTool(t));

export function missingTools(): OutsideTool[] {
  return (Object.keys(OUTSIDE_TOOLS) as OutsideTool[]).filter((t) => !hasTool(t));
}
