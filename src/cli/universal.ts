import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { schemeToJson } from '../formats/json.ts';
import type { Scheme } from '../scheme/index.ts';
import { Progress } from '../search/progress.ts';
import { describeBound } from '../universal/bounds.ts';
import { universalSearch, type UniversalResult } from '../universal/search.ts';
import { FAMILIES, type Family } from '../universal/starts.ts';
import { certifiedError, showFraction } from '../universal/tile.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { parsePositiveInt, parseTolerance } from './args.ts';
import { print, printErr, table } from './output.ts';
import type { Status } from './status.ts';

function parseFamilies(s: string): Family[] {
  const list = s.split(',').map((x) => x.trim()).filter(Boolean);
  for (const f of list) if (!FAMILIES.includes(f as Family)) throw new InvalidArgumentError(`unknown family "${f}"; known: ${FAMILIES.join(', ')}`);
  return list as Family[];
}

/** Per family: starts, best start (exact when rational), best after refinement. */
export function familyTable(res: UniversalResult): string {
  const rows = res.families.map((f) => [
    f.family,
    f.starts + (f.hops ? ` (+${f.hops} jumps)` : ''),
    f.bestStart ? (f.bestStart.exact ? showFraction(f.bestStart.exact) : f.bestStart.error.toFixed(6)) : '-',
    f.refined === null ? '-' : f.refined.toFixed(6),
    f.bestStart ? f.bestStart.label : res.solvedEarly ? 'not run (an exact scheme came first)' : 'not applicable',
  ]);
  return table(['family', 'starts', 'best start error', 'refined (float64)', 'best start'], rows);
}

function maxAbs(s: Scheme<unknown>): number {
  let m = 0;
  for (const M of [s.U, s.V, s.W]) for (const row of M) for (const x of row) m = Math.max(m, Math.abs(typeof x === 'number' ? x : Number(x)));
  return m;
}

export function universalCommand(program: Command, status: Status): void {
  program
    .command('universal')
    .description('universal encoders: a rank-r approximation of <t,t,t> with the least isotropic error found (start families, ALS/LM, rounding, exact certificate)')
    .requiredOption('--t <t>', 'tile size', parsePositiveInt)
    .requiredOption('--r <r>', 'number of products', parsePositiveInt)
    .option('--seed <s>', 'random seed', parsePositiveInt, 1)
    .option('--time-limit <sec>', 'stop searching after this many seconds', parseTolerance, 60)
    .option('--restarts <n>', 'at most this many randomised restarts after the structured starts (reproducible runs)', parsePositiveInt)
    .option('--families <list>', `start families (comma-separated; default all: ${FAMILIES.join(',')})`, parseFamilies)
    .option('--max-coef <c>', 'accept only schemes whose largest |coefficient| (balanced per product) is at most c (for low-precision kernels)', parseTolerance)
    .option('--no-shared', 'do not read published schemes from ../shared/data/schemes')
    .option('-o, --output <file>', 'write the best scheme here (scheme JSON: field Q/Z when rational, R otherwise)')
    .action((o) => {
      const { t, r } = o as { t: number; r: number };
      if (t < 1 || r < 1) return status.badInput('--t and --r must be at least 1');
      if (t > 8) return status.badInput('--t above 8 is not supported (the tile tensor has t⁶ entries)');
      printErr(`universal <${t},${t},${t}> rank ${r}: seed ${o.seed}, limit ${o.timeLimit} s${o.restarts !== undefined ? `, ${o.restarts} restarts` : ''}`);
      const progress = new Progress(`universal t=${t} r=${r}`);
      const limitMs = o.timeLimit * 1000;
      progress.start(limitMs);
      let res: UniversalResult;
      try {
        res = universalSearch({
          t, r, seed: o.seed, timeLimitMs: limitMs, restarts: o.restarts, families: o.families, maxCoef: o.maxCoef,
          shared: o.shared === false ? null : undefined,
          onProgress: (p) => progress.update({ rank: r, bestRank: r, targetRank: r, rate: p.tasks / Math.max(1e-3, p.ms / 1000), rateUnit: 'starts/s', elapsedMs: p.ms, limitMs, note: `best e ${p.bestError.toFixed(6)} (${p.family})` }),
        });
      } catch (err) {
        progress.stop();
        // Only the coefficient bound can leave nothing to report (naive products have coefficient 1).
        if (!/coefficients within/.test((err as Error).message)) throw err;
        printErr((err as Error).message);
        status.fail();
        return;
      }
      progress.stop();
      print(familyTable(res));
      // Recompute the error from the scheme itself: this is the number the file stands for.
      const cert = certifiedError(res.best.scheme);
      print(`best: ${res.best.family} — ${res.best.label}; ${res.best.how}`);
      print(`isotropic error e = ${cert.text}; t³/r = ${(t ** 3 / r).toFixed(3)}; ${res.tasks} refinements in ${(res.ms / 1000).toFixed(1)} s`);
      print(`lower bound: ${describeBound(res.bound)}`);
      print(`largest |coefficient|: ${maxAbs(res.best.scheme as Scheme<unknown>).toPrecision(4)}${o.maxCoef !== undefined ? ` (bound ${o.maxCoef})` : ''}`);
      if (res.bound && cert.value < res.bound.value.valueOf() - 1e-12) {
        printErr('internal check failed: the error is below a proven lower bound');
        status.fail();
        return;
      }
      if (o.output) {
        writeFileAtomic(o.output, schemeToJson(res.best.scheme as Scheme<unknown>));
        print(`wrote ${o.output}: <${t},${t},${t}>:${r} over ${res.best.scheme.fieldTag}`);
      }
    });
}
