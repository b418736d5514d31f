/**
 * node --import tsx bench/als-333.ts [n,m,p] [rank] [firstSeed] [seeds] [als|lm] — the numerical
 * search (src/search/als), one restart per seed: prints each seed's outcome, descent and rounding
 * times, and the success rate. Default <3,3,3>:23, seeds 1..10, method als. Too slow for the test
 * suite (seconds per seed).
 */
import { alsSearch } from '../src/search/als/search.ts';
import { verifyScheme } from '../src/verify/index.ts';

const fmt = (process.argv[2] ?? '3,3,3').split(',').map(Number) as [number, number, number];
const rank = Number(process.argv[3] ?? 23);
const first = Number(process.argv[4] ?? 1), count = Number(process.argv[5] ?? 10);
const method = process.argv[6] === 'lm' ? 'lm' : 'als';
console.log(`<${fmt.join(',')}>:${rank}, seeds ${first}..${first + count - 1}, one restart each, method ${method}`);
let exact = 0, integral = 0, total = 0;
for (let seed = first; seed < first + count; seed++) {
  const r = alsSearch({
    format: fmt, rank, seed, restarts: 1, method,
    onProgress: (q) => {
      const l = q.last;
      console.log(`seed ${seed}: ${l.outcome}${l.fieldTag ? ` (${l.fieldTag})` : ''}, residual ${l.residual.toExponential(2)}, ${l.iters} iterations, descent ${(l.descentMs / 1000).toFixed(1)} s, rounding ${(l.roundMs / 1000).toFixed(1)} s`);
    },
  });
  total += r.ms;
  if (r.scheme) {
    const rep = verifyScheme(r.scheme);
    if (!(rep.kind === 'exact' && rep.exact)) throw new Error('a returned scheme failed verification');
    exact++;
    if (r.scheme.fieldTag === 'Z') integral++;
    const coeffs = [r.scheme.U, r.scheme.V, r.scheme.W].flat(2).filter((x) => x.n !== 0n);
    const values = new Map(coeffs.map((x) => [x.abs().toFraction(), x.abs().valueOf()]));
    console.log(`  verified exactly; ${coeffs.length} nonzero coefficients, |values| ${[...values].sort((x, y) => x[1] - y[1]).map((x) => x[0]).join(' ')}`);
  }
}
console.log(`exact ${exact}/${count} (${integral} over Z), ${(total / count / 1000).toFixed(1)} s per seed`);
