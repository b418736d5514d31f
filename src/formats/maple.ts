import { basename } from '../util/path.ts';
import { Fraction, type FieldTag } from '../field/index.ts';
import type { Scheme } from '../scheme/index.ts';
import { evalCoeff } from './coeff.ts';
import { InputError } from './errors.ts';
import { decodeText, fieldFromName, rationalScheme, type RationalTerm } from './exp.ts';
import type { ImportOptions } from './importer.ts';

/**
 * Flip-graph Maple `.m` files (jakobmoosbauer/flips): one nested list of products,
 *   {{{A rows}, {B rows}, {C-part rows}}, …}
 * with A n×m, B m×p and the third matrix p×n in trace form: its entry [k][i] is C[i][k].
 * Maple wraps long output anywhere inside a list, so the file is read as tokens, not lines.
 */

// ---------------------------------------------------------------------------------------------
// Maple tokens, shared with the fmm-catalogue `.mpl` reader.

export interface MapleToken {
  kind: 'num' | 'ident' | 'punct' | 'end';
  text: string;
  line: number;
  /** 1-based; the .mpl files hold every triad on one long line. */
  col: number;
}

/** Split Maple text into numbers, identifiers and single-character punctuation, with line numbers. */
export function mapleTokens(text: string, file: string): MapleToken[] {
  const out: MapleToken[] = [];
  const re = /([ \t\r\f\v]+)|(\n)|(#[^\n]*)|((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(\S)/gy;
  let [line, lineStart] = [1, 0];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const col = m.index - lineStart + 1;
    if (m[2]) [line, lineStart] = [line + 1, m.index + 1];
    else if (m[4]) out.push({ kind: 'num', text: m[4], line, col });
    else if (m[5]) out.push({ kind: 'ident', text: m[5], line, col });
    else if (m[6]) out.push({ kind: 'punct', text: m[6], line, col });
  }
  if (out.length === 0) throw new InputError(file, 'line 1', 'empty file (no Maple data)');
  out.push({ kind: 'end', text: 'end of file', line, col: text.length - lineStart + 1 });
  return out;
}

/** Where something starts in the text, for messages. */
export interface At {
  line: number;
  col?: number;
}

/** A read position in a token list that reports problems at the current token's line. */
export class MapleCursor {
  private pos = 0;
  constructor(private readonly toks: MapleToken[], readonly file: string) {}

  peek(): MapleToken {
    return this.toks[this.pos];
  }
  next(): MapleToken {
    const t = this.toks[this.pos];
    if (t.kind !== 'end') this.pos++;
    return t;
  }
  /** True (and consumed) when the next token is this punctuation or identifier. */
  accept(text: string): boolean {
    if (this.peek().kind === 'end' || this.peek().text !== text) return false;
    this.pos++;
    return true;
  }
  expect(text: string, context: string): MapleToken {
    const t = this.peek();
    if (t.kind === 'end' || t.text !== text) this.fail(`expected '${text}' ${context}, found ${this.show(t)}${t.kind === 'end' ? ' (truncated file or unbalanced brackets?)' : ''}`, t);
    return this.next();
  }
  /** Skip to just after the first identifier `name`; false if it never occurs. */
  seek(name: string): boolean {
    const at = this.toks.findIndex((t, x) => x >= this.pos && t.kind === 'ident' && t.text === name);
    if (at < 0) return false;
    this.pos = at + 1;
    return true;
  }
  show(t: MapleToken): string {
    return t.kind === 'end' ? 'end of file' : `'${t.text}'`;
  }
  fail(problem: string, at: At = this.peek()): never {
    throw new InputError(this.file, `line ${at.line}`, at.col ? `${problem} (column ${at.col})` : problem);
  }

  /** An exact coefficient: a number or an arithmetic expression such as `(0-1*1)` or `-3/4`. */
  number(context: string): Fraction {
    return evalCoeff({ peek: () => this.peek(), next: () => this.next(), fail: (problem) => this.fail(problem) }, context);
  }

  /** `open item (, item)* close`, returning the items; `what` names the list in messages. */
  list<T>(open: string, close: string, what: string, item: () => T): { items: T[] } & At {
    const { line, col } = this.expect(open, `to start ${what}`);
    const items: T[] = [];
    if (!this.accept(close)) {
      do items.push(item());
      while (this.accept(','));
      this.expect(close, `to end ${what}`);
    }
    return { items, line, col };
  }

  /** A matrix as a list of equal-length rows of numbers; returns rows and the line it starts on. */
  matrix(open: string, close: string, what: string): { rows: Fraction[][] } & At {
    const { items, line, col } = this.list(open, close, what, () => this.list(open, close, `a row of ${what}`, () => this.number(`in ${what}`)));
    const rows = items.map((r) => r.items);
    rows.forEach((r, x) => {
      if (r.length !== rows[0].length) this.fail(`${what}: row ${x + 1} has ${r.length} entries but row 1 has ${rows[0].length}`, items[x]);
    });
    if (rows.length === 0 || rows[0].length === 0) this.fail(`${what} is empty`, { line, col });
    return { rows, line, col };
  }
}

/** Everything after the data must be empty apart from a statement terminator. */
export function expectEnd(c: MapleCursor): void {
  c.accept(';') || c.accept(':');
  const t = c.peek();
  if (t.kind !== 'end') c.fail(`unexpected ${c.show(t)} after the end of the list`, t);
}

/**
 * Products given as three matrices (A-part n×m, B-part m×p, C-part p×n with [k][i] ↔ C[i][k]) become
 * a scheme. Shapes come from the first product and must agree with opts.format when given.
 */
export function matrixTriples(
  c: MapleCursor,
  triples: ({ mats: ({ rows: Fraction[][] } & At)[] } & At)[],
  opts: ImportOptions,
  hint: FieldTag | undefined,
  sourceName: string,
): Scheme<unknown> {
  const file = c.file;
  if (triples.length === 0) c.fail('no products found; expected at least one triple of matrices');
  const dims = (M: Fraction[][]) => [M.length, M[0].length];
  const [n, m] = dims(triples[0].mats[0].rows);
  const p = dims(triples[0].mats[1].rows)[1];
  if (opts.format && opts.format.join() !== [n, m, p].join()) {
    c.fail(`the matrices are for <${n},${m},${p}> but the format given is <${opts.format.join(',')}>`, triples[0]);
  }
  const want: [number, number, string][] = [[n, m, 'A'], [m, p, 'B'], [p, n, 'C (p×n, trace form)']];
  const terms: RationalTerm[] = triples.map((t, x) => {
    t.mats.forEach((M, y) => {
      const [r, k] = dims(M.rows);
      const [wr, wk, name] = want[y];
      if (r !== wr || k !== wk) {
        c.fail(`product ${x + 1}: the ${name} matrix is ${r}×${k}, expected ${wr}×${wk} for <${n},${m},${p}> (from product 1)`, M);
      }
    });
    const [A, B, Ct] = t.mats.map((M) => M.rows);
    const W: Fraction[] = [];
    for (let i = 0; i < n; i++) for (let k = 0; k < p; k++) W.push(Ct[k][i]);
    return { line: t.line, U: A.flat(), V: B.flat(), W };
  });
  return rationalScheme(file, terms, [n, m, p], opts.field ?? hint, { source: `${basename(file)} (${sourceName})` });
}

// ---------------------------------------------------------------------------------------------

/** Read a flip-graph Maple `.m` file. */
export function readMaple(data: Uint8Array, file: string, opts: ImportOptions = {}): Scheme<unknown> {
  const text = decodeText(data, file);
  const c = new MapleCursor(mapleTokens(text, file), file);
  const { items } = c.list('{', '}', 'the list of products', () => {
    const { items: mats, line, col } = c.list('{', '}', 'a product {A, B, C}', () => c.matrix('{', '}', 'a factor matrix'));
    if (mats.length !== 3) c.fail(`a product needs three matrices {A, B, C}, found ${mats.length}`, { line, col });
    return { line, col, mats };
  });
  expectEnd(c);
  return matrixTriples(c, items, opts, fieldFromName(file, text), 'flip-graph Maple .m');
}
