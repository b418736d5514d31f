import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { InputError } from '../formats/errors.ts';
import { schemeToJson } from '../formats/json.ts';
import { maxAbsCoefficient, type Scheme } from '../scheme/index.ts';
import { Progress } from '../search/progress.ts';
import { describeBound } from '../universal/bounds.ts';
import { universalSearch, type UniversalProgress, type UniversalResult } from '../universal/multistart.ts';
import { loadScheme } from '../formats/registry.ts';
import { lowPrecisionMeta, type LowPrecisionMeta } from '../universal/condition.ts';
import { DEFAULT_MAX_BF16_ERROR, kappaForBf16Error, FP8_BOUND, kappaForFp8Error, simulatedFp8Error, universalSearchWithinBf16Error, universalSearchWithinFp8Error } from '../universal/roundingbound.ts';
import { fp8GemmError } from '../stl/fp8.ts';
import { FAMILIES, type Family } from '../universal/starts.ts';
import { certifiedError, showFraction } from '../universal/isotropic.ts';
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

/** How the search was bounded: the bf16 error (the default), κ, or not at all (--max-kappa none). */
type Bound = { kind: 'bf16' | 'fp8'; maxError: number } | { kind: 'kappa'; maxKappa: number } | { kind: 'none' };

function parseMaxKappa(s: string): number | 'none' {
  return s.trim().toLowerCase() === 'none' ? 'none' : parseTolerance(s);
}

function commandLine(o: Record<string, unknown>, t: number, r: number, bound: Bound): string {
  const parts = ['stlkit universal', `--t ${t}`, `--r ${r}`, `--seed ${o.seed}`, `--time-limit ${o.timeLimit}`];
  if (o.restarts !== undefined) parts.push(`--restarts ${o.restarts}`);
  if (o.families) parts.push(`--families ${(o.families as string[]).join(',')}`);
  if (o.maxCoef !== undefined) parts.push(`--max-coef ${o.maxCoef}`);
  parts.push(bound.kind === 'bf16' || bound.kind === 'fp8' ? `--max-${bound.kind}-error ${bound.maxError}` : `--max-kappa ${bound.kind === 'kappa' ? bound.maxKappa : 'none'}`);
  if (o.init) parts.push(`--init ${(o.init as string[]).join(' ')}`);
  if (o.published === false || o.shared === false) parts.push('--no-published');
  return parts.join(' ');
}

// A simulated error is not finite when the format overflows (fp16 tops out at 65504).
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : 'overflow');
/** JSON has no NaN or Infinity: an overflowing simulation is recorded as "overflow". */
const jsonLow = (low: LowPrecisionMeta) => Object.fromEntries(Object.entries(low).map(([k, v]) => [k, Number.isFinite(v) ? v : 'overflow']));

function describeBoundLine(bound: Bound, maxKappa: number | undefined, byDefault: boolean): string {
  if (bound.kind === 'none') return 'conditioning bound: none (--max-kappa none); the rounding error below may make the scheme unusable in bf16/fp16';
  const k = `κ ≤ ${maxKappa!.toPrecision(4)}`;
  if (bound.kind === 'kappa') return `conditioning bound: ${k} (--max-kappa)`;
  if (bound.kind === 'fp8') return `conditioning bound: predicted FP8 rounding error (e4m3 products, per-product scales, bf16 products) ≤ ${pct(bound.maxError)}, i.e. ${k} by the model √((2σ₈² + σ_bf16²)κ² + σ_bf16²) (--max-fp8-error)`;
  return `conditioning bound: predicted bf16 rounding error (unfused kernel) ≤ ${pct(bound.maxError)}, i.e. ${k} by the model σ·√(3κ² + 1)${byDefault ? ' (the default; --max-kappa none for the unconditioned search)' : ' (--max-bf16-error)'}`;
}

export function universalCommand(program: Command, status: Status): void {
  program
    .command('universal')
    .description(`universal encoders: a rank-r approximation of <t,t,t> with the least isotropic error found (start families, ALS/LM, rounding, exact certificate), by default among schemes whose predicted bf16 rounding error is ≤ ${pct(DEFAULT_MAX_BF16_ERROR)}`)
    .requiredOption('--t <t>', 'tile size', parsePositiveInt)
    .requiredOption('--r <r>', 'number of products', parsePositiveInt)
    .option('--seed <s>', 'random seed', parsePositiveInt, 1)
    .option('--time-limit <sec>', 'stop searching after this many seconds', parseTolerance, 60)
    .option('--restarts <n>', 'at most this many randomised restarts after the structured starts (reproducible runs)', parsePositiveInt)
    .option('--families <list>', `start families (comma-separated; default all: ${FAMILIES.join(',')})`, parseFamilies)
    .option('--max-coef <c>', 'accept only schemes whose largest |coefficient| (balanced per product) is at most c (for low-precision kernels)', parseTolerance)
    .option('--max-kappa <k>', 'accept only schemes with conditioning κ ≤ k (bf16 rounding error ≈ 0.166%·√(3κ² + 1) unfused, √(2κ² + 1) fused); refinement adds the penalty μ·Σ‖u_l‖²‖v_l‖²‖w_l‖² with μ adapted to the bound. "none": no bound (the plain search: least isotropic error, whatever its rounding error)', parseMaxKappa)
    .option('--max-bf16-error <e>', `the bound stated as the predicted bf16 rounding error of the unfused kernel (products stored in bf16; default ${DEFAULT_MAX_BF16_ERROR}): κ ≤ √(((e/σ)² − 1)/3), σ = 0.166%, and the simulated error of the result is checked against e`, parseTolerance)
    .option('--max-fp8-error <e>', 'the bound stated as the predicted rounding error of the STL operator with its products in FP8 e4m3 (per-product scales, fp32 accumulate, bf16 products; `stlkit error --dtype fp8-e4m3`): κ ≤ √((e² − σ_bf16²)/(2σ₈² + σ_bf16²)), σ₈ = 2.65%; the plain FP8 GEMM makes 3.7%', parseTolerance)
    .option('--init <files...>', 'refine these schemes first (family "given"; e.g. an earlier result to condition)')
    .option('--no-published', 'start families without the published schemes packaged in src/library/published (built-in schemes only)')
    .addOption(new Option('--no-shared', 'the former name of --no-published').hideHelp())
    .option('-o, --output <file>', 'write the best scheme here (scheme JSON: field Q/Z when rational, R otherwise)')
    .action((o) => {
      const { t, r } = o as { t: number; r: number };
      if (t < 1 || r < 1) return status.badInput('--t and --r must be at least 1');
      if (t > 8) return status.badInput('--t above 8 is not supported (the tile tensor has t⁶ entries)');
      if ([o.maxKappa, o.maxBf16Error, o.maxFp8Error].filter((x) => x !== undefined).length > 1) return status.badInput('give only one of --max-kappa, --max-bf16-error, --max-fp8-error, not both');
      const byDefault = o.maxKappa === undefined && o.maxBf16Error === undefined && o.maxFp8Error === undefined;
      const bound: Bound = o.maxKappa === 'none' ? { kind: 'none' } : o.maxKappa !== undefined ? { kind: 'kappa', maxKappa: o.maxKappa } : o.maxFp8Error !== undefined ? { kind: 'fp8', maxError: o.maxFp8Error } : { kind: 'bf16', maxError: o.maxBf16Error ?? DEFAULT_MAX_BF16_ERROR };
      if (bound.kind === 'fp8' && !(kappaForFp8Error(bound.maxError) >= 1)) {
        return status.badInput(`--max-fp8-error ${bound.maxError} is below what even naive products reach (κ = 1 gives about 3.9% in the model)`);
      }
      if (bound.kind === 'bf16' && !(kappaForBf16Error(bound.maxError) >= 1)) {
        return status.badInput(`--max-bf16-error ${bound.maxError} is below what even naive products reach (κ = 1 gives ${(100 * 0.00166 * 2).toFixed(2)}%)`);
      }
      const initial: { label: string; scheme: Scheme<unknown> }[] = [];
      for (const f of (o.init ?? []) as string[]) {
        const sc = status.guard(() => loadScheme(f), f);
        if (!sc) return;
        initial.push({ label: f, scheme: sc });
      }
      printErr(`universal <${t},${t},${t}> rank ${r}: seed ${o.seed}, limit ${o.timeLimit} s${o.restarts !== undefined ? `, ${o.restarts} restarts` : ''}`);
      const progress = new Progress(`universal t=${t} r=${r}`);
      const limitMs = o.timeLimit * 1000;
      progress.start(limitMs);
      const opts = {
        t, r, seed: o.seed, timeLimitMs: limitMs, restarts: o.restarts, families: o.families, maxCoef: o.maxCoef,
        ...(initial.length ? { initial } : {}),
        published: o.published !== false && o.shared !== false,
        onProgress: (p: UniversalProgress) => progress.update({ rank: r, bestRank: r, targetRank: r, rate: p.tasks / Math.max(1e-3, p.ms / 1000), rateUnit: 'starts/s', elapsedMs: p.ms, limitMs, note: `best e ${p.bestError.toFixed(6)} (${p.family})` }),
      };
      let res: UniversalResult, maxKappa: number | undefined, modelKappa: number | undefined, low: LowPrecisionMeta | undefined;
      let tightened: { maxKappa: number; before: number }[] = [];
      let fp8: number | undefined;
      try {
        if (bound.kind === 'bf16') ({ res, maxKappa, modelKappa, low, tightened } = universalSearchWithinBf16Error(opts, bound.maxError));
        else if (bound.kind === 'fp8') ({ res, maxKappa, modelKappa, low, tightened, simulated: fp8 } = universalSearchWithinFp8Error(opts, bound.maxError));
        else {
          maxKappa = bound.kind === 'kappa' ? bound.maxKappa : undefined;
          res = universalSearch({ ...opts, ...(maxKappa !== undefined ? { maxKappa } : {}) });
        }
      } catch (err) {
        progress.stop();
        if (err instanceof InputError) return status.badInput(err.message);
        // Only the bounds can leave nothing to report (naive products have coefficient 1 and κ = 1).
        if (!/coefficients within|κ within/.test((err as Error).message)) throw err;
        printErr((err as Error).message);
        status.fail();
        return;
      }
      progress.stop();
      print(familyTable(res));
      const sc = res.best.scheme as Scheme<unknown>;
      low ??= lowPrecisionMeta(sc);
      // Recompute the error from the scheme itself: this is the number the file stands for.
      const cert = certifiedError(sc);
      print(`best: ${res.best.family} — ${res.best.label}; ${res.best.how}`);
      print(`isotropic error e = ${cert.text}; t³/r = ${(t ** 3 / r).toFixed(3)}; ${res.tasks} refinements in ${(res.ms / 1000).toFixed(1)} s`);
      print(describeBoundLine(bound, modelKappa ?? maxKappa, byDefault));
      for (const x of tightened) print(`  the simulated ${bound.kind === 'fp8' ? 'FP8' : 'bf16'} error was ${(100 * x.before).toFixed(3)}%, above the bound: refined again under κ ≤ ${x.maxKappa.toPrecision(4)}`);
      print(`κ = ${low.kappa.toPrecision(4)}${maxKappa !== undefined ? ` (bound ${maxKappa.toPrecision(4)})` : ''}; predicted rounding error (simulated, 256², 3 seeds): bf16 fused ${pct(low.bf16Fused)}, unfused ${pct(low.bf16Unfused)}; fp16 fused ${pct(low.fp16Fused)}, unfused ${pct(low.fp16Unfused)}`);
      fp8 ??= simulatedFp8Error(sc);
      print(`predicted FP8 rounding error (e4m3 products, per-product scales, simulated, 256², 3 seeds): ${pct(fp8)} (the plain FP8 GEMM: ${pct(fp8GemmError({ ...FP8_BOUND }).mean)})`);
      print(`lower bound: ${describeBound(res.bound)}`);
      print(`largest |coefficient|: ${maxAbsCoefficient(sc).toPrecision(4)}${o.maxCoef !== undefined ? ` (bound ${o.maxCoef})` : ''}`);
      res.best.scheme = {
        ...sc,
        meta: { ...sc.meta, ...jsonLow(low), maxKappa: maxKappa ?? null, fp8E4m3Product: Number.isFinite(fp8) ? fp8 : 'overflow', ...(bound.kind === 'bf16' ? { maxBf16Error: bound.maxError } : bound.kind === 'fp8' ? { maxFp8Error: bound.maxError } : {}), seed: o.seed, command: commandLine(o, t, r, bound) },
      } as typeof res.best.scheme;
      if (res.bound && cert.value < res.bound.value.valueOf() - 1e-12) {
        printErr('internal check failed: the error is below a proven lower bound');
        status.fail();
        return;
      }
      if (bound.kind === 'bf16' && low.bf16Unfused > bound.maxError) {
        printErr(`the best scheme found has a simulated bf16 rounding error of ${pct(low.bf16Unfused)}, above the bound ${pct(bound.maxError)}; not written`);
        status.fail();
        return;
      }
      if (bound.kind === 'fp8' && !(fp8 <= bound.maxError)) {
        printErr(`the best scheme found has a simulated FP8 rounding error of ${pct(fp8)}, above the bound ${pct(bound.maxError)}; not written`);
        status.fail();
        return;
      }
      if (o.output) {
        writeFileAtomic(o.output, schemeToJson(res.best.scheme as Scheme<unknown>));
        print(`wrote ${o.output}: <${t},${t},${t}>:${r} over ${res.best.scheme.fieldTag}`);
      }
    });
}
