import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  appendNeeds,
  appendedNodes,
  consistencyRanges,
  inclusionRanges,
  nodesFor,
  rangeHash,
  rfc9162Hasher,
  rootNodes,
  verifyConsistency,
  verifyInclusion,
  type Digest,
  type NodeRef,
} from './merkle.js';

const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());
const H = rfc9162Hasher(sha256);
const hex = (d: Uint8Array) => Buffer.from(d).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

// ---- RFC 9162 §2.1, written as the RFC writes it, straight from the leaves (the reference) ----
const k = (n: number) => 2 ** Math.floor(Math.log2(n - 1));
function mth(d: Digest[]): Digest {
  if (d.length === 0) return H.empty();
  if (d.length === 1) return d[0]!;
  return H.node(mth(d.slice(0, k(d.length))), mth(d.slice(k(d.length))));
}
function path(m: number, d: Digest[]): Digest[] {
  if (d.length === 1) return [];
  const split = k(d.length);
  return m < split ? [...path(m, d.slice(0, split)), mth(d.slice(split))] : [...path(m - split, d.slice(split)), mth(d.slice(0, split))];
}
function subproof(m: number, d: Digest[], b: boolean): Digest[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const split = k(d.length);
  return m <= split ? [...subproof(m, d.slice(0, split), b), mth(d.slice(split))] : [...subproof(m - split, d.slice(split), false), mth(d.slice(0, split))];
}

/** A log as a store keeps it: every perfect subtree's hash, made leaf by leaf through appendedNodes. */
function store(leaves: Digest[]) {
  const nodes = new Map<string, Digest>();
  const key = (r: NodeRef) => `${r.level}/${r.index}`;
  const lookup = (r: NodeRef) => {
    const hash = nodes.get(key(r));
    if (!hash) throw new Error(`node ${key(r)} was never stored`);
    return hash;
  };
  leaves.forEach((leaf, i) => {
    for (const n of appendedNodes(i, leaf, lookup, H)) nodes.set(key(n), n.hash);
  });
  return {
    nodes,
    lookup,
    root: (size: number) => rangeHash([0, size], lookup, H),
    inclusion: (m: number, size: number) => inclusionRanges(m, size).map((r) => rangeHash(r, lookup, H)),
    consistency: (m: number, size: number) => consistencyRanges(m, size).map((r) => rangeHash(r, lookup, H)),
  };
}

// ---- The Certificate Transparency reference vectors (RFC 6962's hashing, which RFC 9162 keeps) ----
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((e) => H.leaf(unhex(e)));
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const CT_INCLUSION: Array<[index: number, size: number, proof: string[]]> = [
  [0, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [5, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [1, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];
const CT_CONSISTENCY: Array<[oldSize: number, newSize: number, proof: string[]]> = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];

describe('the RFC 9162 Merkle tree, against Certificate Transparency’s reference vectors', () => {
  const log = store(CT_LEAVES);

  it('gives the published tree head for every size 0 to 8', () => {
    for (let n = 0; n <= 8; n += 1) expect(hex(log.root(n)), `size ${n}`).toBe(CT_ROOTS[n]);
  });

  it.each(CT_INCLUSION)('inclusion of leaf %i in %i leaves: the published proof, and it verifies', (index, size, proof) => {
    expect(log.inclusion(index, size).map(hex)).toEqual(proof);
    expect(verifyInclusion(index, size, CT_LEAVES[index]!, proof.map(unhex), unhex(CT_ROOTS[size]!), H)).toBe(true);
  });

  it.each(CT_CONSISTENCY)('consistency from %i to %i leaves: the published proof, and it verifies', (oldSize, newSize, proof) => {
    expect(log.consistency(oldSize, newSize).map(hex)).toEqual(proof);
    expect(verifyConsistency(oldSize, newSize, proof.map(unhex), unhex(CT_ROOTS[oldSize]!), unhex(CT_ROOTS[newSize]!), H)).toBe(true);
  });
});

/** Every way of spoiling a proof: each element changed, one dropped, one added, two swapped. */
function spoiled(proof: Digest[]): Array<[string, Digest[]]> {
  const out: Array<[string, Digest[]]> = [];
  proof.forEach((_, i) => {
    const bad = proof.map((p) => p.slice());
    bad[i]![0]! ^= 0x01;
    out.push([`element ${i} changed`, bad]);
    out.push([`element ${i} dropped`, proof.filter((__, j) => j !== i)]);
  });
  out.push(['an element added', [...proof, H.empty()]]);
  if (proof.length >= 2 && hex(proof[0]!) !== hex(proof[1]!)) out.push(['two elements swapped', [proof[1]!, proof[0]!, ...proof.slice(2)]]);
  return out;
}

describe('every tree size from 1 to 64, against the RFC’s definitions', () => {
  const leaves = Array.from({ length: 64 }, (_, i) => H.leaf(new TextEncoder().encode(`journal entry ${i}`)));
  const log = store(leaves);

  it('the tree head of each size is MTH', () => {
    for (let n = 1; n <= 64; n += 1) expect(hex(log.root(n)), `size ${n}`).toBe(hex(mth(leaves.slice(0, n))));
  });

  it('each leaf’s inclusion proof is PATH, verifies, and fails once spoiled, moved or shown against another head', () => {
    for (let n = 1; n <= 64; n += 1) {
      const root = mth(leaves.slice(0, n));
      for (let m = 0; m < n; m += 1) {
        const proof = log.inclusion(m, n);
        expect(proof.map(hex), `leaf ${m} of ${n}`).toEqual(path(m, leaves.slice(0, n)).map(hex));
        expect(verifyInclusion(m, n, leaves[m]!, proof, root, H), `leaf ${m} of ${n}`).toBe(true);
        for (const [how, bad] of spoiled(proof)) expect(verifyInclusion(m, n, leaves[m]!, bad, root, H), `leaf ${m} of ${n}, ${how}`).toBe(false);
        expect(verifyInclusion(m, n, leaves[(m + 1) % 64]!, proof, root, H), `another leaf at ${m} of ${n}`).toBe(false);
        if (n > 1) expect(verifyInclusion((m + 1) % n, n, leaves[m]!, proof, root, H), `leaf ${m} claimed at another index`).toBe(false);
        // (The size travels with its head, signed together: a proof is checked against the pair.)
        if (n < 64) expect(verifyInclusion(m, n + 1, leaves[m]!, proof, mth(leaves.slice(0, n + 1)), H), `leaf ${m} of ${n} claimed in ${n + 1}`).toBe(false);
        expect(verifyInclusion(m, n, leaves[m]!, proof, mth(leaves.slice(0, n === 64 ? 63 : n + 1)), H), `against another head`).toBe(false);
      }
      expect(verifyInclusion(n, n, leaves[0]!, [], root, H), `index ${n} beyond ${n}`).toBe(false);
    }
  });

  it('each consistency proof is PROOF, verifies, and fails once spoiled or shown against other heads', () => {
    for (let n = 1; n <= 64; n += 1) {
      const newRoot = mth(leaves.slice(0, n));
      for (let m = 1; m <= n; m += 1) {
        const oldRoot = mth(leaves.slice(0, m));
        const proof = log.consistency(m, n);
        expect(proof.map(hex), `${m} → ${n}`).toEqual(subproof(m, leaves.slice(0, n), true).map(hex));
        expect(verifyConsistency(m, n, proof, oldRoot, newRoot, H), `${m} → ${n}`).toBe(true);
        for (const [how, bad] of spoiled(proof)) expect(verifyConsistency(m, n, bad, oldRoot, newRoot, H), `${m} → ${n}, ${how}`).toBe(false);
        // A rewritten history: the old head of a log whose first entry was changed.
        const rewritten = mth([H.leaf(new TextEncoder().encode('rewritten')), ...leaves.slice(1, m)]);
        expect(verifyConsistency(m, n, proof, rewritten, newRoot, H), `${m} → ${n} from a rewritten head`).toBe(false);
        if (m < n) expect(verifyConsistency(m, n, proof, oldRoot, mth(leaves.slice(0, n - 1)), H), `${m} → ${n} to another head`).toBe(false);
        if (m < n && m > 1) expect(verifyConsistency(m - 1, n, proof, oldRoot, newRoot, H), `${m} → ${n} claimed from ${m - 1}`).toBe(false);
      }
    }
    expect(verifyConsistency(0, 4, [], H.empty(), mth(leaves.slice(0, 4)), H)).toBe(false);
    expect(verifyConsistency(5, 4, [], H.empty(), mth(leaves.slice(0, 4)), H)).toBe(false);
  });
});

describe('what a store keeps and reads', () => {
  it('an append adds its leaf and the nodes it completes, about two a leaf', () => {
    const log = store(Array.from({ length: 1024 }, (_, i) => H.leaf(Uint8Array.of(i % 256, i >> 8))));
    expect(log.nodes.size).toBe(2047);
    expect(appendNeeds(7)).toEqual([{ level: 0, index: 6 }, { level: 1, index: 2 }, { level: 2, index: 0 }]);
    expect(appendNeeds(8)).toEqual([]);
  });

  it('a proof at a million leaves reads at most 2·log2(n) nodes', () => {
    const n = 1_000_003;
    const inclusion = nodesFor(inclusionRanges(777_777, n));
    const consistency = nodesFor(consistencyRanges(654_321, n));
    expect(inclusion.length).toBeLessThanOrEqual(40);
    expect(consistency.length).toBeLessThanOrEqual(40);
    expect(inclusionRanges(777_777, n)).toHaveLength(20);
    expect(rootNodes(n)).toHaveLength(n.toString(2).replace(/0/g, '').length);
  });

  it('refuses what is not a proof', () => {
    expect(() => inclusionRanges(3, 3)).toThrow(RangeError);
    expect(() => consistencyRanges(0, 3)).toThrow(RangeError);
    expect(() => consistencyRanges(4, 3)).toThrow(RangeError);
  });
});
