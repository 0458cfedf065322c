import * as m0001 from './0001-platform.js';
import * as m0002 from './0002-identity.js';

/** Forward-only, in order. A migration is never edited once it has shipped: add the next one. */
export const migrations: ReadonlyArray<{ id: string; statements: string[] }> = [
  { id: '0001-platform', statements: m0001.statements },
  { id: '0002-identity', statements: m0002.statements },
];
