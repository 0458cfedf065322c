import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Starts a benchmark server in its own process (a .ts script through tsx, a built .js as is) and
 * waits for its `READY field…` line.
 */
export function startServer(script: string, env: NodeJS.ProcessEnv = process.env): Promise<{ child: ChildProcess; fields: string[] }> {
  const child = spawn(process.execPath, script.endsWith('.ts') ? ['--import', 'tsx', script] : [script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('READY '));
      if (line) resolve({ child, fields: line.trim().split(' ').slice(1) });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/**
 * Adds a result row under a benchmark's table in docs/benchmarks.md, creating the section (its
 * heading, what it measures, the table's head) the first time.
 */
export function recordBenchmarkRow(section: { heading: string; intro: string; tableHead: string }, row: string): void {
  const file = path.join(ROOT, 'docs/benchmarks.md');
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n\nEach benchmark runs beside a reference tool on the same machine in the same run; the ratio is what to compare across machines.\n';
  if (!text.includes(section.heading)) text += `\n${section.heading}\n\n${section.intro}\n\n${section.tableHead}\n`;
  const lines = text.split('\n');
  const firstHeadLine = section.tableHead.split('\n')[0]!;
  let at = lines.findIndex((l) => l === firstHeadLine) + 2;
  while (at < lines.length && lines[at]!.startsWith('|')) at++;
  lines.splice(at, 0, row);
  fs.writeFileSync(file, lines.join('\n'));
}
