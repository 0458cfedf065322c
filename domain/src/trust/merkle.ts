/**
 * The Merkle tree of RFC 9162 (Certificate Transparency 2.0, §2.1), for the journal of trust
 * events: tree heads, inclusion proofs and consistency proofs that anyone can check with the
 * RFC's algorithms and nothing of Pli's.
 *
 *   leaf hash  = HASH(0x00 ‖ entry)          MTH({}) = HASH()
 *   node hash  = HASH(0x01 ‖ left ‖ right)   split at the largest power of two below the size
 *
 * A stored log keeps the hash of every *perfect* subtree (2^level leaves from index·2^level): a
 * leaf's append adds its own node and those it completes, and any root or proof is made from
 * O(log n) of them. The functions here say which nodes a root or proof needs (so a database
 * fetches them at once) and combine them; the hash function is given, so the same code runs in
 * the server and in a browser's offline verifier.
 */
export type Digest = Uint8Array;
export type HashFunction = (data: Uint8Array) => Digest;

export interface MerkleHasher {
  empty(): Digest;
  leaf(entry: Uint8Array): Digest;
  node(left: Digest, right: Digest): Digest;
}

export function rfc9162Hasher(hash: HashFunction): MerkleHasher {
  return {
    empty: () => hash(new Uint8Array(0)),
    leaf: (entry) => hash(concat(Uint8Array.of(0x00), entry)),
    node: (left, right) => hash(concat(Uint8Array.of(0x01), left, right)),
  };
}

/** A perfect subtree: the 2^level leaves starting at index·2^level. Level 0 is a leaf. */
export interface NodeRef {
  readonly level: number;
  readonly index: number;
}

/** A run of leaves [start, end): each proof element is the tree hash of one. */
export type LeafRange = readonly [start: number, end: number];

export type NodeLookup = (ref: NodeRef) => Digest;

function assertSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a whole number ≥ 0, not ${n}`);
}

/** The largest power of two strictly below n (n ≥ 2): where RFC 9162 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  if (n < 2) throw new RangeError(`a tree of ${n} leaves does not split`);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const isPowerOfTwo = (n: number) => n > 0 && Number.isInteger(Math.log2(n));

/**
 * The perfect subtrees whose hashes make MTH(D[start:end]), left to right: a range met in RFC
 * 9162's recursion always starts on a multiple of its left part, so it is a perfect subtree
 * followed by a smaller range, and so on.
 */
export function perfectNodes(start: number, end: number): NodeRef[] {
  const nodes: NodeRef[] = [];
  let s = start;
  while (s < end) {
    const width = end - s;
    const k = isPowerOfTwo(width) ? width : splitPoint(width);
    if (s % k !== 0) throw new RangeError(`[${start}, ${end}) is not a range of RFC 9162's recursion`);
    nodes.push({ level: Math.log2(k), index: s / k });
    s += k;
  }
  return nodes;
}

/** MTH(D[start:end]) from the perfect subtrees' hashes. */
export function rangeHash(range: LeafRange, lookup: NodeLookup, hasher: MerkleHasher): Digest {
  const [start, end] = range;
  if (start === end) return hasher.empty();
  const nodes = perfectNodes(start, end);
  let hash = lookup(nodes[nodes.length - 1]!);
  for (let i = nodes.length - 2; i >= 0; i -= 1) hash = hasher.node(lookup(nodes[i]!), hash);
  return hash;
}

/** The ranges whose hashes make the inclusion proof of leaf `index` in a tree of `size` (PATH, §2.1.3.1), bottom first. */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  assertSize(size, 'the tree size');
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const path: LeafRange[] = [];
  let lo = 0;
  let hi = size;
  // Walks down from the root; the siblings met are listed from the leaf up, as the RFC's PATH does.
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      path.push([lo + k, hi]);
      hi = lo + k;
    } else {
      path.push([lo, lo + k]);
      lo += k;
    }
  }
  return path.reverse();
}

/** The ranges whose hashes make the consistency proof from `oldSize` to `newSize` (PROOF, §2.1.4.1), bottom first. */
export function consistencyRanges(oldSize: number, newSize: number): LeafRange[] {
  assertSize(oldSize, 'the old size');
  assertSize(newSize, 'the new size');
  if (oldSize < 1 || oldSize > newSize) throw new RangeError(`no consistency proof from ${oldSize} to ${newSize} leaves`);
  const proof: LeafRange[] = [];
  let m = oldSize;
  let lo = 0;
  let hi = newSize;
  let whole = true; // the RFC's b: is the old tree's root this subtree itself?
  while (m !== hi - lo) {
    const k = splitPoint(hi - lo);
    if (m <= k) {
      proof.push([lo + k, hi]);
      hi = lo + k;
    } else {
      proof.push([lo, lo + k]);
      m -= k;
      lo += k;
      whole = false;
    }
  }
  if (!whole) proof.push([lo, hi]);
  return proof.reverse();
}

/** The tree head's range and the nodes it needs. */
export function rootNodes(size: number): NodeRef[] {
  assertSize(size, 'the tree size');
  return size === 0 ? [] : perfectNodes(0, size);
}

/** Every node a set of ranges needs, once each: what a store reads in one query. */
export function nodesFor(ranges: readonly LeafRange[]): NodeRef[] {
  const seen = new Map<string, NodeRef>();
  for (const [start, end] of ranges) for (const ref of start === end ? [] : perfectNodes(start, end)) seen.set(`${ref.level}/${ref.index}`, ref);
  return [...seen.values()];
}

/**
 * Appending leaf `index`: the nodes it completes, from the leaf up (level 0 is the leaf itself).
 * `appendNeeds` lists the left siblings they are made from, all already stored.
 */
export function appendNeeds(index: number): NodeRef[] {
  assertSize(index, 'the leaf index');
  const needs: NodeRef[] = [];
  for (let level = 0, i = index; i % 2 === 1; level += 1, i = Math.floor(i / 2)) needs.push({ level, index: i - 1 });
  return needs;
}

export function appendedNodes(index: number, leafHash: Digest, lookup: NodeLookup, hasher: MerkleHasher): Array<NodeRef & { hash: Digest }> {
  const made: Array<NodeRef & { hash: Digest }> = [{ level: 0, index, hash: leafHash }];
  let hash = leafHash;
  for (const sibling of appendNeeds(index)) {
    hash = hasher.node(lookup(sibling), hash);
    made.push({ level: sibling.level + 1, index: Math.floor(sibling.index / 2), hash });
  }
  return made;
}

/** RFC 9162 §2.1.3.2: does `proof` show the leaf at `index` in the tree of `size` whose head is `root`? */
export function verifyInclusion(index: number, size: number, leafHash: Digest, proof: readonly Digest[], root: Digest, hasher: MerkleHasher): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = hasher.node(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hasher.node(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

/** RFC 9162 §2.1.4.2: does `proof` show that the tree of `newSize` (head `newRoot`) extends the one of `oldSize` (head `oldRoot`)? */
export function verifyConsistency(oldSize: number, newSize: number, proof: readonly Digest[], oldRoot: Digest, newRoot: Digest, hasher: MerkleHasher): boolean {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 1 || oldSize > newSize) return false;
  if (oldSize === newSize) return proof.length === 0 && equal(oldRoot, newRoot);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = hasher.node(c, fr);
      sr = hasher.node(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hasher.node(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(fr, oldRoot) && equal(sr, newRoot);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  return equal(a, b);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}
