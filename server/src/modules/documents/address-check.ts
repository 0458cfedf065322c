import { createRequire } from 'node:module';
import { checkAddress, type AddressProblem } from '#domain/mail/address.js';
import type { DocumentAddress } from '../../platform/db/schema.js';

/**
 * NF Z10-011 checks (domain/) backed by the official list of French postcodes and towns
 * (La Poste's dataset, the `codes-postaux` package), loaded once on first use.
 */
const require = createRequire(import.meta.url);
let index: Map<string, string[]> | undefined;

function townsFor(postcode: string): readonly string[] | undefined {
  if (!index) {
    index = new Map();
    const entries = require('codes-postaux/codes-postaux.json') as Array<{ codePostal: string; nomCommune: string; libelleAcheminement: string }>;
    for (const e of entries) {
      const towns = index.get(e.codePostal) ?? [];
      // The routing name (what goes on the envelope) first, then the commune's own name.
      for (const name of [e.libelleAcheminement, e.nomCommune.toUpperCase()]) if (!towns.includes(name)) towns.push(name);
      index.set(e.codePostal, towns);
    }
  }
  return index.get(postcode);
}

export function checkFrenchAddress(lines: string[], country = 'FR'): DocumentAddress['problems'] {
  return checkAddress({ lines, country }, { townsForPostcode: townsFor }).problems.map((p: AddressProblem) => ({
    code: p.code,
    line: p.line,
    message: p.message,
    ...(p.suggestion ? { suggestion: p.suggestion } : {}),
    severity: p.severity,
  }));
}
