import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { loadScheme } from '../formats/registry.ts';
import { rank, schemeName, type Scheme } from '../scheme/index.ts';
import { worstCaseBound, type WorstCaseBound } from '../stl/bound.ts';
import { stlCost, type StlCost } from '../stl/cost.ts';
import { readOperands } from '../stl/data.ts';
import { empiricalError, isotropicError, residualTensor, type IsotropicError } from '../stl/error.ts';
import { encodersFromScheme, type StlEncoders } from '../stl/operator.ts';
import { kappa, LOW_DTYPES, modelRoundingError, predictedRoundingError, type LowDtype } from '../stl/lowprec.ts';
import { parseFormat } from './args.ts';
import { print, printJson, table } from './output.ts';
import type { Status } from './status.ts';

/** What `worst case` means, printed in --json so the number is never read as something else. */
const BOUND_STATEMENT = '‖STL(X,W) − XW‖_F ≤ upper·‖X‖_F·‖W‖_F for all X, W of any shape (upper = min σ₁ of the three flattenings of T − T̂); some t×t tile pair reaches lower·‖X‖_F·‖W‖_F';

function parseBytes(s: string): number {
  const x = Number(s);
  if (!Number.isFinite(x) || x <= 0) throw new InvalidArgumentError(`expected a positive number of bytes per value, got "${s}"`);
  return x;
}

function parseDtype(s: string): LowDtype {
  if (!LOW_DTYPES.includes(s as LowDtype)) throw new InvalidArgumentError(`expected one of ${LOW_DTYPES.join(', ')}, got "${s}"`);
  return s as LowDtype;
}

function parseSize(s: string): number {
  const x = Number(s);
  if (!Number.isInteger(x) || x < 1 || x > 2048) throw new InvalidArgumentError(`expected a size from 1 to 2048, got "${s}"`);
  return x;
}

/** What the low-precision numbers mean, printed in --json. */
const LOWPREC_STATEMENT = 'rounding error = ‖Y_low − Y_64‖_F/‖Y_64‖_F, Y_64 the float64 operator on the same (rounded) inputs, mean over seeded N(0,1) X, W of size×size; fused: encoded operands rounded, products fp32; unfused: products also stored in the format; output rounded in both. model = σ·√(Σ_l k_l‖u_l‖²‖v_l‖²‖w_l‖²/‖T̂‖² + 1)';

interface LowPrecReport {
  dtype: LowDtype;
  kappa: number;
  size: number;
  seeds: number[];
  fused: { simulated: number; model: number; values: number[] };
  unfused: { simulated: number; model: number; values: number[] };
}

function lowPrecReport(enc: StlEncoders, dtype: LowDtype, size: number): LowPrecReport {
  const seeds = [1, 2, 3];
  const part = (storeProducts: boolean) => {
    const sim = predictedRoundingError(enc, { dtype, storeProducts, size, seeds });
    return { simulated: sim.mean, model: modelRoundingError(enc, { dtype, storeProducts }), values: sim.values };
  };
  return { dtype, kappa: kappa(enc), size, seeds, fused: part(false), unfused: part(true) };
}

const pct = (x: number) => (Number.isFinite(x) ? (x >= 10 ? x.toExponential(3) : `${(100 * x).toPrecision(3)}%`) : String(x));

const fmt = (x: number) => (x === 0 ? '0' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(6).replace(/\.?0+$/, '') : x.toExponential(4));
const ratio = (x: number) => `${x.toFixed(2)}×`;

export function errorCommand(program: Command, status: Status): void {
  program
    .command('error')
    .description('error of a <t,t,t> scheme used as the STL operator: isotropic (exact over Q), worst-case bound, empirical on data; --cost for the cost model (exit 2 on bad input)')
    .argument('<file>', 'scheme for <t,t,t> (any supported format)')
    .option('--from <source>', 'source format, when the extension does not tell')
    .option('--data <files...>', 'X (M×N) and W (N×P): .npy, or FILE.safetensors[:TENSOR]; prints the empirical error ‖STL(X,W) − XW‖²/‖XW‖²')
    .option('--transpose-w', 'W is stored P×N, as an nn.Linear weight: use its transpose')
    .option('--cost <M,N,P>', 'print the cost model for X M×N times W N×P (repeatable)', (v: string, acc: [number, number, number][]) => [...acc, parseFormat(v)], [])
    .option('--bytes <b>', 'bytes per value in the cost model (4 fp32, 2 bf16)', parseBytes, 4)
    .option('--dtype <d>', 'low precision (bf16 or fp16): print κ and the simulated rounding error of the STL kernels (fused: products fp32; unfused: products stored in the format) against the float64 operator', parseDtype)
    .option('--size <n>', 'with --dtype: X and W are n×n Gaussian (3 seeds)', parseSize, 256)
    .option('--json', 'machine-readable output')
    .action((file: string, o: { from?: string; data?: string[]; transposeW?: boolean; cost: [number, number, number][]; bytes: number; dtype?: LowDtype; size: number; json?: boolean }) => {
      const s = status.guard(() => loadScheme(file, { from: o.from }), file);
      if (!s) return;
      const enc = status.guard(() => encodersFromScheme(s), file);
      if (!enc) return;
      const iso = isotropicError(s);
      const R = residualTensor(s);
      const bound = worstCaseBound(R.data, R.dims);
      let empirical: { value: number; X: { file: string; shape: [number, number] }; W: { file: string; shape: [number, number] } } | undefined;
      if (o.data) {
        if (o.data.length !== 2) status.badInput(`--data needs two files, X (M×N) and W (N×P); got ${o.data.length}`);
        else {
          const operands = status.guard(() => readOperands(o.data![0], o.data![1], { transposeW: o.transposeW }));
          if (operands) {
            const { X, W } = operands;
            empirical = { value: empiricalError(X, W, enc), X: { file: o.data[0], shape: [X.rows, X.cols] }, W: { file: o.data[1], shape: [W.rows, W.cols] } };
          }
        }
      }
      const costs = o.cost.map(([M, N, P]) => stlCost({ M, N, P, t: enc.t, r: enc.r, bytesPerValue: o.bytes }));
      const low = o.dtype ? lowPrecReport(enc, o.dtype, o.size) : undefined;
      if (o.json) {
        printJson({
          file, scheme: schemeName(s), field: s.fieldTag, t: enc.t, r: enc.r,
          isotropicError: iso,
          worstCase: { statement: BOUND_STATEMENT, upper: bound.upper, lower: bound.lower, flattenings: bound.flattenings, frobenius: bound.frobenius },
          ...(empirical ? { empirical } : {}),
          ...(low ? { lowPrecision: { statement: LOWPREC_STATEMENT, ...low } } : {}),
          ...(costs.length ? { cost: costs } : {}),
        });
        return;
      }
      printText(file, s, enc.t, iso, bound, empirical, costs, o.bytes, low);
    });
}

function printLowPrec(low: LowPrecReport): void {
  const d = low.dtype;
  print(`${'κ'.padEnd(17)}${fmt(low.kappa)}   conditioning √(Σ_l ‖u_l‖²‖v_l‖²‖w_l‖² / ‖T̂‖²); 1 for naive products, large with cancellation`);
  print(`${`${d} fused`.padEnd(17)}${pct(low.fused.simulated)}  (model ${pct(low.fused.model)})   encoded X̂, Ŵ in ${d}, products fp32, output ${d}`);
  print(`${`${d} unfused`.padEnd(17)}${pct(low.unfused.simulated)}  (model ${pct(low.unfused.model)})   products also stored in ${d}`);
  print(`                 rounding error ‖Y_${d} − Y_float64‖_F/‖Y_float64‖_F of the same operator, ${low.size}×${low.size} Gaussian X, W, mean of ${low.seeds.length} seeds`);
}

function printText(file: string, s: Scheme<unknown>, t: number, iso: IsotropicError, b: WorstCaseBound, empirical: { value: number; X: { file: string; shape: number[] }; W: { file: string; shape: number[] } } | undefined, costs: StlCost[], bytes: number, low?: LowPrecReport): void {
  print(`scheme           ${file}  ${schemeName(s)}  field ${s.fieldTag}  t ${t}  r ${rank(s)}`);
  print(`isotropic error  ${fmt(iso.value)}${iso.fraction !== undefined ? `  (exact: ${iso.fraction})` : '  (float scheme)'}   E‖STL(X,W) − XW‖²/E‖XW‖² for Gaussian X, W`);
  print(`worst case       ‖STL(X,W) − XW‖_F ≤ ${fmt(b.upper)}·‖X‖_F·‖W‖_F  (flattening norms ${b.flattenings.map(fmt).join(', ')}; a tile pair reaches ${fmt(b.lower)})`);
  if (empirical) {
    print(`empirical error  ${fmt(empirical.value)}  on X ${empirical.X.shape.join('×')} (${empirical.X.file}), W ${empirical.W.shape.join('×')} (${empirical.W.file})`);
  }
  if (low) printLowPrec(low);
  if (costs.length === 0) return;
  print('');
  print(`cost model: FLOP = one multiply or add; ${bytes} bytes per value; core ×, online × = dense FLOPs / STL FLOPs; Ŵ/W = stored weight values, STL / dense`);
  print(table(
    ['M×N×P', 'dense FLOPs', 'core FLOPs', 'online FLOPs', 'core ×', 'online ×', 'offline W FLOPs', 'Ŵ/W', 'bytes fused', 'bytes unfused', 'bytes dense'],
    costs.map((c) => [
      `${c.shape.M}×${c.shape.N}×${c.shape.P}`, fmt(c.flops.dense), fmt(c.flops.core), fmt(c.flops.online), ratio(c.ratio.coreFlops), ratio(c.ratio.onlineFlops),
      fmt(c.flops.encodeW), ratio(c.params.ratio), fmt(c.bytes.fused), fmt(c.bytes.unfused), fmt(c.bytes.dense),
    ]),
  ));
}
