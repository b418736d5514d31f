import type { Command } from 'commander';
import { Argument, InvalidArgumentError, Option } from 'commander';
import { generate, DTYPES, TARGETS, type CodegenDtype, type CodegenTarget } from '../codegen/index.ts';
import { InputError } from '../formats/errors.ts';
import { loadScheme } from '../formats/registry.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { print, printErr, printJson } from './output.ts';
import type { Status } from './status.ts';

function parseTile(s: string): number {
  const x = Number(s);
  if (!Number.isInteger(x) || x < 1) throw new InvalidArgumentError(`expected a positive integer tile size, got "${s}"`);
  return x;
}

/**
 * `stlkit codegen triton|cuda|ts --scheme FILE --tile t [--dtype bf16|fp16] -o OUT`: kernels for the
 * STL operator of a <t,t,t> scheme. Exit 0 written, 2 bad input (unreadable scheme, not a square
 * matrix-multiplication scheme, --tile not its t, coefficients only modulo p, unwritable output).
 */
export function codegenCommand(program: Command, status: Status): void {
  program
    .command('codegen')
    .description('generate STL kernels for a <t,t,t> scheme: triton (Python module), cuda (.cu for sm_90a), gpujs (ES module of gpu.js kernels: WebGL, WebGPU, WebAssembly, CPU), ts (Float32Array TypeScript); exit 2 on bad input')
    .addArgument(new Argument('<target>', 'what to generate').choices(TARGETS as string[]))
    .requiredOption('--scheme <file>', 'scheme for <t,t,t> (any supported format; exact or float)')
    .requiredOption('--tile <t>', 'tile size t; must match the scheme', parseTile)
    .addOption(new Option('--dtype <type>', 'element type on the GPU (fp32 accumulate)').choices(DTYPES as string[]).default('bf16'))
    .requiredOption('-o, --output <file>', 'output file (- for standard output)')
    .option('--from <source>', 'source format of the scheme, when the extension does not tell')
    .option('--json', 'print a machine-readable summary (to stderr when the code goes to stdout)')
    .action((target: CodegenTarget, o: { scheme: string; tile: number; dtype: CodegenDtype; output: string; from?: string; json?: boolean }) => {
      const s = status.guard(() => loadScheme(o.scheme, { from: o.from }), o.scheme);
      if (!s) return;
      const done = status.guard(() => generate(target, s, o.tile, { dtype: o.dtype }), o.scheme);
      if (!done) return;
      const { text, op } = done;
      if (o.output === '-') print(text);
      else {
        const ok = status.guard(() => {
          try {
            writeFileAtomic(o.output, text);
            return true;
          } catch (err) {
            throw new InputError(o.output, '', `cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
          }
        });
        if (!ok) return;
      }
      const summary = { target, output: o.output, scheme: o.scheme, name: op.name, t: op.t, r: op.r, dtype: o.dtype, exact: op.exact, isotropicError: op.isotropicError, sha256: op.hash, bytes: Buffer.byteLength(text) };
      if (o.json) (o.output === '-' ? (x: unknown) => printErr(JSON.stringify(x)) : printJson)(summary);
      else if (o.output !== '-') print(`wrote ${o.output}: ${target} for ${op.name} (t ${op.t}, r ${op.r}, ${o.dtype}, ${op.exact ? 'exact' : `approximate, isotropic error ${op.isotropicError.toPrecision(4)}`})`);
    });
}
