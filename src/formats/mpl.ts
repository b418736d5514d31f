import type { Fraction } from '../field/index.ts';
import type { Scheme } from '../scheme/index.ts';
import { decodeText, fieldFromName } from './exp.ts';
import type { ImportOptions } from './importer.ts';
import { MapleCursor, mapleTokens, matrixTriples, type At } from './maple.ts';

/**
 * fmm.univ-lille.fr Maple `TriadSet` files (`<n>x<m>x<p>_tensor.mpl`, as copied by Perminov):
 *   Tensor:=TriadSet([Triad([Matrix(n, m, [[…]]), Matrix(m, p, [[…]]), Matrix(p, n, [[…]])]), …]):
 * The file's own check reads C = Σ Tr(U_tᵀA)·Tr(V_tᵀB)·W_tᵀ, so W_t is p×n with W_t[k][i] ↔ C[i][k].
 * The A, B, C declarations before the TriadSet and the check after it are not needed and not read
 * (the check even misspells LinearAlgebra in 3x3x3); the format comes from the triads' shapes.
 */

/** One `Matrix(r, c, [[…], …])` call, its declared size checked against its rows. */
function matrixCall(c: MapleCursor): { rows: Fraction[][] } & At {
  const start = c.expect('Matrix', 'in a triad');
  c.expect('(', "after 'Matrix'");
  const size = (what: string) => {
    const t = c.peek();
    const q = c.number(`(the ${what} of a Matrix)`);
    if (q.d !== 1n || q.s < 0n || q.n === 0n) c.fail(`a Matrix ${what} must be a positive integer, found ${q.toFraction()}`, t);
    return Number(q.n);
  };
  const r = size('row count');
  c.expect(',', 'after the row count of a Matrix');
  const k = size('column count');
  c.expect(',', 'after the column count of a Matrix');
  const M = c.matrix('[', ']', 'a Matrix');
  c.expect(')', 'to end a Matrix(…)');
  if (M.rows.length !== r || M.rows[0].length !== k) {
    c.fail(`Matrix(${r}, ${k}, …) holds ${M.rows.length}×${M.rows[0].length} entries`, start);
  }
  return { rows: M.rows, line: start.line, col: start.col };
}

/** Read an fmm-catalogue `.mpl` TriadSet file. */
export function readMpl(data: Uint8Array, file: string, opts: ImportOptions = {}): Scheme<unknown> {
  const c = new MapleCursor(mapleTokens(decodeText(data, file), file), file);
  if (!c.seek('TriadSet')) c.fail('no TriadSet([...]) found; expected an fmm-catalogue tensor file', { line: 1 });
  c.expect('(', "after 'TriadSet'");
  const { items } = c.list('[', ']', 'the list of triads', () => {
    const start = c.expect('Triad', 'in the TriadSet list');
    c.expect('(', "after 'Triad'");
    const { items: mats } = c.list('[', ']', 'a Triad', () => matrixCall(c));
    c.expect(')', 'to end a Triad(…)');
    if (mats.length !== 3) c.fail(`a Triad needs three matrices, found ${mats.length}`, start);
    return { line: start.line, col: start.col, mats };
  });
  c.expect(')', 'to end TriadSet(…)');
  return matrixTriples(c, items, opts, fieldFromName(file), 'fmm-catalogue Maple TriadSet');
}
