import { basename } from '../util/path.ts';
import { Fraction } from '../field/index.ts';
import type { Scheme } from '../scheme/index.ts';
import { InputError } from './errors.ts';
import { decodeText, rationalScheme, type RationalTerm } from './exp.ts';
import { fieldMark } from './fieldmark.ts';
import type { ImportOptions } from './importer.ts';

/**
 * Perminov's dense text form (dronperminov/FastMatrixMultiplication, `schemes/results/*.txt`,
 * `2x8x9_m114_Z.txt`): whitespace-separated integers, lines starting with `#` ignored.
 *   n m p R                      the format <n,m,p> and the rank
 *   u  R·n·m entries             product by product, A row-major: u[t][i·m+j] is A[i][j]
 *   v  R·m·p entries             B row-major: v[t][j·p+k] is B[j][k]
 *   w  R·p·n entries             over Cᵀ, as in Perminov's JSON: w[t][k·n+i] is C[i][k]
 * Rational schemes (`…_Q.txt`) write every entry as a pair `numerator denominator`, so the count
 * of numbers after the header says which of the two it is: R·(nm+mp+pn) or twice that. The file
 * has no field: `_Z2` in the name (Perminov's naming) or a `# field: Z2` header means mod 2 (see
 * fieldmark.ts); otherwise integers are Z and pairs with a denominator other than 1 are Q.
 */
export function readPerminovTxt(data: Uint8Array, file: string, opts: ImportOptions = {}): Scheme<unknown> {
  const text = decodeText(data, file);
  const lines = text.split('\n');
  const body: string[] = [];
  let headerLine = 0;
  lines.forEach((l, i) => {
    if (l.trimStart().startsWith('#') || l.trim() === '') return;
    if (!headerLine) headerLine = i + 1;
    body.push(l);
  });
  const tokens = body.join(' ').split(/\s+/).filter(Boolean);
  if (tokens.length < 4) throw new InputError(file, '', 'expected a header "n m p R" followed by the coefficients of u, v, w');
  const bad = tokens.findIndex((t) => !/^[+-]?\d+$/.test(t));
  if (bad >= 0) throw new InputError(file, bad < 4 ? `line ${headerLine}` : '', `"${tokens[bad].slice(0, 20)}" is not an integer (Perminov's .txt holds integers only: entries, or numerator denominator pairs)`);
  const [n, m, p, r] = tokens.slice(0, 4).map(Number);
  if ([n, m, p].some((d) => d < 1 || d > 1000) || r < 0 || r > 1_000_000) {
    throw new InputError(file, `line ${headerLine}`, `header "${tokens.slice(0, 4).join(' ')}": expected n m p R with dimensions in 1..1000 and a rank R ≥ 0`);
  }
  if (opts.format && opts.format.join() !== [n, m, p].join()) throw new InputError(file, `line ${headerLine}`, `file says <${n},${m},${p}> but <${opts.format.join(',')}> was requested`);
  const per = n * m + m * p + p * n;
  const count = tokens.length - 4;
  const pairs = count === 2 * r * per && r > 0;
  if (count !== r * per && !pairs) {
    throw new InputError(file, '', `after the header "${n} ${m} ${p} ${r}" expected ${r * per} integers (R·(nm+mp+pn)) or ${2 * r * per} (numerator denominator pairs), found ${count}`);
  }
  let at = 4;
  const next = (): Fraction => {
    const num = BigInt(tokens[at++]);
    if (!pairs) return new Fraction(num, 1n);
    const den = BigInt(tokens[at++]);
    if (den === 0n) throw new InputError(file, '', `entry ${(at - 6) / 2} has denominator 0`);
    return new Fraction(num, den);
  };
  const block = (cols: number) => Array.from({ length: r }, () => Array.from({ length: cols }, next));
  const [u, v, w] = [block(n * m), block(m * p), block(p * n)];
  const terms: RationalTerm[] = u.map((U, t) => ({
    line: headerLine,
    U,
    V: v[t],
    // Undo Cᵀ: stlkit's W[t][i·p+k] is the file's w[t][k·n+i].
    W: Array.from({ length: n * p }, (_, g) => w[t][(g % p) * n + Math.floor(g / p)]),
  }));
  const hint = opts.field ?? fieldMark(file, text)?.field;
  return rationalScheme(file, terms, [n, m, p], hint, { source: `${basename(file)} (Perminov .txt)` });
}

/** Why a text looks like Perminov's .txt: its first line that is not a comment is "n m p R". */
export function sniffPerminovTxt(head: string): string | null {
  const first = head.split('\n').find((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  const h = first?.trim();
  return h && /^\d+\s+\d+\s+\d+\s+\d+$/.test(h) ? `header '${h.replace(/\s+/g, ' ')}' = n m p R` : null;
}
