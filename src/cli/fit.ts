import { basename } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { InputError } from '../formats/errors.ts';
import { schemeToJson } from '../formats/json.ts';
import { loadScheme } from '../formats/registry.ts';
import { formatOf, rank, schemeName } from '../scheme/index.ts';
import { readOperands } from '../stl/data.ts';
import { fitScheme, type SchemeFit } from '../stl/fit.ts';
import { MAX_MOMENT_TILE } from '../stl/fit-moments.ts';
import { ShapeError, type Matrix } from '../stl/matrix.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { parsePositiveInt, parseTolerance } from './args.ts';
import { print, printJson, table } from './output.ts';
import type { Status } from './status.ts';

function parseFraction(s: string): number {
  const x = Number(s);
  if (!Number.isFinite(x) || x < 0 || x >= 1) throw new InvalidArgumentError(`expected a fraction of the rows in [0, 1), got "${s}"`);
  return x;
}

interface FitCliOptions {
  scheme: string;
  data: string[];
  from?: string;
  holdout: number;
  split: 'random' | 'last';
  sweeps: number;
  lambda: number;
  seed: number;
  fixedW?: boolean;
  transposeW?: boolean;
  output?: string;
  json?: boolean;
}

const STOPPED = { sweeps: 'the sweep limit', stall: 'stalled', deadline: 'time limit', exact: 'exact' } as const;
const fmt = (x: number | null) => (x === null ? '–' : x === 0 ? '0' : x >= 1e-4 ? x.toFixed(6) : x.toExponential(3));
const shape = (m: Matrix) => `${m.rows}×${m.cols}`;

/** The command line that reproduces a fit (recorded in the scheme it writes). */
function commandLine(o: FitCliOptions): string {
  const q = (s: string) => (/^[\w./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const parts = ['stlkit', 'fit', '--scheme', q(o.scheme), ...(o.from ? ['--from', o.from] : []), '--data', ...o.data.map(q)];
  if (o.transposeW) parts.push('--transpose-w');
  parts.push('--holdout', String(o.holdout));
  if (o.holdout > 0) parts.push('--split', o.split);
  parts.push('--sweeps', String(o.sweeps), '--lambda', String(o.lambda), '--seed', String(o.seed));
  if (o.fixedW) parts.push('--fixed-w');
  if (o.output) parts.push('-o', q(o.output));
  return parts.join(' ');
}

export function fitCommand(program: Command, status: Status): void {
  program
    .command('fit')
    .description('data-aware encoders: fit (E_X, E_W, D) of a <t,t,t> scheme to sample X, W by ALS on tile moments, minimising the empirical error ‖STL(X,W) − XW‖²/‖XW‖²; prints isotropic and empirical (train, held-out) errors before and after (exit 2 on bad input)')
    .requiredOption('--scheme <file>', 'starting scheme for <t,t,t> (any supported format and field over the reals; converted to float)')
    .requiredOption('--data <files...>', 'X (M×N) and W (N×P): .npy, or FILE.safetensors[:TENSOR]')
    .option('--from <source>', 'source format of the scheme, when the extension does not tell')
    .option('--transpose-w', 'W is stored P×N, as an nn.Linear weight: use its transpose')
    .option('--holdout <h>', 'fraction of the rows of X (in whole t-row tiles) held out to measure transfer', parseFraction, 0)
    .addOption(new Option('--split <how>', 'which tile rows are held out').choices(['random', 'last']).default('random'))
    .option('--sweeps <n>', 'most ALS sweeps (0: refit the decoder only)', parsePositiveInt, 100)
    .option('--lambda <l>', 'ridge λ on ‖E_X‖² + ‖E_W‖² + ‖D‖², added to the relative error', parseTolerance, 0)
    .option('--seed <s>', 'seed of the random held-out split (nothing else is random)', parsePositiveInt, 1)
    .option('--fixed-w', 'keep E_W as given (weights encoded offline); fit E_X and D only')
    .option('-o, --output <file>', 'write the fitted scheme here (scheme JSON over R, with the fit recorded under "fit")')
    .option('--json', 'machine-readable output')
    .action((o: FitCliOptions) => {
      if (o.data.length !== 2) return status.badInput(`--data needs two files, X (M×N) and W (N×P); got ${o.data.length}`);
      const s = status.guard(() => loadScheme(o.scheme, { from: o.from }), o.scheme);
      if (!s) return;
      const [t, m, p] = formatOf(s);
      if (t !== m || m !== p) return status.badInput(`${o.scheme}: expected a scheme for <t,t,t>, got <${t},${m},${p}>`);
      if (t > MAX_MOMENT_TILE) return status.badInput(`${o.scheme}: t = ${t}; fit supports t ≤ ${MAX_MOMENT_TILE} (its moments have t⁸ entries)`);
      if (s.field.characteristic !== 0n) return status.badInput(`${o.scheme}: a scheme over ${s.field.name} has no real coefficients; use a scheme over Z, Q, R or C`);
      const operands = status.guard(() => readOperands(o.data[0], o.data[1], { transposeW: o.transposeW }));
      if (!operands) return;
      const { X, W } = operands;
      if (o.holdout > 0 && X.rows <= t) return status.badInput(`--holdout: X (${o.data[0]}) has ${X.rows} rows, a single tile row of t = ${t}; nothing can be held out`);
      const command = commandLine(o);
      const fit = status.guard(() => {
        try {
          return fitScheme(s, X, W, { sweeps: o.sweeps, lambda: o.lambda, fixedW: o.fixedW, holdout: o.holdout, split: o.split, seed: o.seed });
        } catch (err) {
          if (err instanceof ShapeError) throw new InputError(o.data[0], '', err.message);
          throw err;
        }
      }, o.scheme);
      if (!fit) return;
      const record = fitRecord(o, fit, X, W, command);
      if (o.output) {
        const name = `${s.meta.name ?? basename(o.scheme).replace(/\.[^.]*$/, '')}-fit`;
        const out = { ...fit.scheme, meta: { name, source: `stlkit fit of ${o.scheme}`, fit: record } };
        const written = status.guard(() => {
          try {
            writeFileAtomic(o.output!, schemeToJson(out));
            return true;
          } catch (err) {
            throw new InputError(o.output!, '', `cannot write the fitted scheme there (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
          }
        });
        if (!written) return;
      }
      if (o.json) {
        printJson({ scheme: o.scheme, name: schemeName(s), t, r: rank(s), ...record, ...(o.output ? { output: o.output } : {}) });
        return;
      }
      print(`start     ${o.scheme}  ${schemeName(s)}  field ${s.fieldTag}  t ${t}  r ${rank(s)}`);
      print(`data      X ${o.data[0]} ${shape(X)}, W ${o.data[1]} ${shape(W)}${o.transposeW ? ' (transposed)' : ''}`);
      print(`rows      fit on ${fit.split.trainRows}${fit.split.heldOutRows ? `, ${fit.split.heldOutRows} held out (${fit.split.heldOut.length} of ${fit.split.train.length + fit.split.heldOut.length} tile rows, ${o.split === 'random' ? `random, seed ${o.seed}` : 'the last'})` : ' (none held out)'}`);
      print(`fit       ${o.fixedW ? 'E_X, D (E_W fixed)' : 'E_X, E_W, D'}; ${fit.sweeps} sweeps (${STOPPED[fit.stopped]}), λ ${o.lambda}, ${(fit.ms / 1000).toFixed(1)} s`);
      print('');
      print(table(['', 'isotropic', 'train', 'held-out'], [
        ['before', fmt(fit.isotropic.before.value), fmt(fit.before.train), fmt(fit.before.heldOut)],
        ['after', fmt(fit.isotropic.after.value), fmt(fit.after.train), fmt(fit.after.heldOut)],
      ]));
      print('');
      print('isotropic: ‖T − T̂‖²/‖T‖² (Gaussian X, W); train, held-out: ‖STL(X,W) − XW‖²/‖XW‖² on those rows of X');
      if (o.output) print(`wrote ${o.output}: <${t},${t},${t}>:${rank(s)} over R`);
    });
}

/** What the written scheme records about its fit (and what --json prints). */
function fitRecord(o: FitCliOptions, fit: SchemeFit, X: Matrix, W: Matrix, command: string) {
  return {
    start: o.scheme,
    data: { X: o.data[0], W: o.data[1], shapeX: [X.rows, X.cols], shapeW: [W.rows, W.cols], transposeW: !!o.transposeW },
    holdout: { fraction: o.holdout, split: o.split, seed: o.seed, trainRows: fit.split.trainRows, heldOutRows: fit.split.heldOutRows },
    options: { sweeps: o.sweeps, lambda: o.lambda, fixedW: !!o.fixedW },
    sweeps: fit.sweeps,
    stopped: fit.stopped,
    errors: {
      statement: 'isotropic ‖T − T̂‖²/‖T‖²; train and heldOut ‖STL(X,W) − XW‖²/‖XW‖² on those rows of X',
      before: { isotropic: fit.isotropic.before.value, ...(fit.isotropic.before.fraction !== undefined ? { isotropicExact: fit.isotropic.before.fraction } : {}), train: fit.before.train, heldOut: fit.before.heldOut },
      after: { isotropic: fit.isotropic.after.value, train: fit.after.train, heldOut: fit.after.heldOut },
    },
    command,
  };
}
