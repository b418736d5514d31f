import { changeField, formatOf, makeScheme, SchemeError, type Scheme } from '../scheme/index.ts';
import { InputError } from './errors.ts';

/**
 * The stlkit-flipwalk text format, spoken by the program of `stlkit codegen flipwalk` (start
 * schemes in; records, pool and final states out). Schemes over Z2 for one <n,m,p>:
 *
 *   stlkit-flipwalk 1
 *   format n m p
 *   field Z2
 *   scheme 0 rank R [key value]...      R lines follow: three hexadecimal factors "a b c"
 *   ...
 *   end COUNT FNV
 *
 * Bit i·m+j of a is A[i][j], bit j·p+k of b is B[j][k], bit i·p+k of c is C[i][k] (C as written).
 * FNV is the FNV-1a 32-bit hash of every byte before the end line, so a file cut short or altered
 * in transit is told apart from a walk that went wrong (which the exact verification catches).
 */
export type Term = readonly [bigint, bigint, bigint];

export interface FlipwalkScheme {
  /** Index in the file. */
  readonly index: number;
  readonly terms: readonly Term[];
  /** The "key value" pairs of its scheme line (walker, flips, counters of a final state). */
  readonly info: Readonly<Record<string, number>>;
}

export interface FlipwalkFile {
  readonly format: [number, number, number];
  readonly schemes: FlipwalkScheme[];
}

/** FNV-1a, 32 bits, of bytes [0, end). */
export function fnv1a32(bytes: Uint8Array, end = bytes.length): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h >>> 0;
}

export function writeFlipwalk(format: readonly number[], schemes: readonly { terms: readonly Term[]; info?: Record<string, number> }[]): string {
  const lines = ['stlkit-flipwalk 1', `format ${format.join(' ')}`, 'field Z2'];
  schemes.forEach((s, i) => {
    const info = Object.entries(s.info ?? {}).map(([k, v]) => ` ${k} ${v}`).join('');
    lines.push(`scheme ${i} rank ${s.terms.length}${info}`);
    for (const t of s.terms) lines.push(t.map((x) => x.toString(16)).join(' '));
  });
  const body = lines.join('\n') + '\n';
  const hash = fnv1a32(new TextEncoder().encode(body)).toString(16).padStart(8, '0');
  return `${body}end ${schemes.length} ${hash}\n`;
}

const HEX = /^[0-9a-f]{1,16}$/;

/** Parse a stlkit-flipwalk file; every problem is an InputError naming `file` and the line. */
export function readFlipwalk(bytes: Uint8Array, file: string): FlipwalkFile {
  // latin1: one character per byte, so line offsets are the checksum's byte offsets.
  const text = new TextDecoder('latin1').decode(bytes);
  let pos = 0, line = 0;
  const next = (): string => {
    if (pos >= text.length) throw new InputError(file, '', `truncated after line ${line} (no end line)`);
    const e = text.indexOf('\n', pos);
    if (e < 0) throw new InputError(file, `line ${line + 1}`, 'truncated (no newline)');
    const l = text.slice(pos, e);
    pos = e + 1;
    line++;
    return l;
  };
  const bad = (what: string): never => {
    throw new InputError(file, `line ${line}`, what);
  };
  if (next() !== 'stlkit-flipwalk 1') throw new InputError(file, 'line 1', "expected 'stlkit-flipwalk 1' (not a flipwalk file)");
  const fm = /^format (\d+) (\d+) (\d+)$/.exec(next());
  if (!fm) bad("expected 'format n m p'");
  const format = [Number(fm![1]), Number(fm![2]), Number(fm![3])] as [number, number, number];
  if (format.some((d) => d < 1 || d > 64)) bad('format out of range');
  if (next() !== 'field Z2') bad("expected 'field Z2'");
  const [n, m, p] = format;
  const bits = [n * m, m * p, n * p];
  const schemes: FlipwalkScheme[] = [];
  for (;;) {
    const at = pos;
    const l = next();
    const end = /^end (\d+) ([0-9a-f]{8})$/.exec(l);
    if (end) {
      if (Number(end[1]) !== schemes.length) bad(`the end line counts ${end[1]} schemes, the file has ${schemes.length}`);
      if (parseInt(end[2], 16) !== fnv1a32(bytes, at)) throw new InputError(file, '', 'checksum mismatch (the file was altered or cut)');
      if (pos !== text.length) bad('text after the end line');
      return { format, schemes };
    }
    const head = /^scheme (\d+) rank (\d+)((?: [a-z0-9_]+ -?\d+)*)$/.exec(l);
    if (!head || Number(head[1]) !== schemes.length) bad(`expected 'scheme ${schemes.length} rank R' or the end line`);
    const rank = Number(head![2]);
    if (rank < 1) bad('rank must be at least 1');
    const info: Record<string, number> = {};
    const kv = head![3].trim().split(' ').filter(Boolean);
    for (let i = 0; i < kv.length; i += 2) info[kv[i]] = Number(kv[i + 1]);
    const terms: Term[] = [];
    for (let t = 0; t < rank; t++) {
      const words = next().split(' ');
      if (words.length !== 3 || !words.every((w) => HEX.test(w))) bad('expected three hexadecimal factors a b c');
      const term = words.map((w) => BigInt(`0x${w}`)) as unknown as Term;
      term.forEach((x, s) => {
        if (x >> BigInt(bits[s]) !== 0n) bad(`factor ${words[s]} has bits beyond the ${bits[s]} of <${n},${m},${p}>`);
      });
      terms.push(term);
    }
    schemes.push({ index: schemes.length, terms, info });
  }
}

/** A scheme of the file as a stlkit scheme over Z2 (products in file order). */
export function flipwalkToScheme(format: readonly [number, number, number], s: FlipwalkScheme, source: string): Scheme<number> {
  const [n, m, p] = format;
  const row = (x: bigint, len: number) => Array.from({ length: len }, (_, b) => Number((x >> BigInt(b)) & 1n));
  return makeScheme({
    fieldTag: 'Z2',
    target: { kind: 'matmul', format: [n, m, p] },
    U: s.terms.map((t) => row(t[0], n * m)),
    V: s.terms.map((t) => row(t[1], m * p)),
    W: s.terms.map((t) => row(t[2], n * p)),
    meta: { source },
  });
}

/** The terms of a scheme over Z2, or over Z/Q reduced mod 2 (changeField), for a start file. */
export function schemeToFlipwalkTerms(s: Scheme<unknown>): Term[] {
  formatOf(s);
  // Z_p for odd p (or R, C) has no map to Z2 that keeps the scheme valid.
  if (s.field.name !== 'Z2' && s.field.name !== 'Q') throw new SchemeError(`a scheme over ${s.field.name} has no reduction mod 2`);
  const z2 = changeField<unknown, number>(s, 'Z2');
  const key = (row: readonly number[]) => row.reduce<bigint>((acc, x, t) => (x ? acc | (1n << BigInt(t)) : acc), 0n);
  return z2.U.map((u, l) => [key(u), key(z2.V[l]), key(z2.W[l])] as const);
}
