import type { Command } from 'commander';
import { Argument, InvalidArgumentError, Option } from 'commander';
import { DTYPES, PRODUCT_DTYPES, fileText, FORMAT_TARGETS, formatTargetNamed, generate, writeGenerated, TARGET_NAMES, TARGETS, targetNamed, type CodegenDtype, type ProductDtype } from '../codegen/index.ts';
import { InputError } from '../formats/errors.ts';
import { loadScheme } from '../formats/registry.ts';
import { checkFp8Rounding, checkRounding, describeFp8Rounding, describeRounding, fp8RefusalMessage, refusalMessage } from '../stl/rounding-check.ts';
import { parseFormat, parsePositiveInt } from './args.ts';
import { flipwalkCodegen, type FlipwalkCliOptions } from './codegen-flipwalk.ts';
import { print, printErr, printJson } from './output.ts';
import type { Status } from './status.ts';

function parseTile(s: string): number {
  const x = Number(s);
  if (!Number.isInteger(x) || x < 1) throw new InvalidArgumentError(`expected a positive integer tile size, got "${s}"`);
  return x;
}

/**
 * `stlkit codegen TARGET --scheme FILE --tile t [--dtype bf16|fp16] -o OUT`: kernels for the
 * STL operator of a <t,t,t> scheme. Exit 0 written, 2 bad input (unreadable scheme, not a square
 * matrix-multiplication scheme, --tile not its t, coefficients only modulo p, unwritable output).
 */
export function codegenCommand(program: Command, status: Status): void {
  program
    .command('codegen')
    .description(`generate STL kernels for a <t,t,t> scheme: ${TARGETS.map((t) => `${t.name} (${t.description})`).join(', ')}; or, from --format alone, ${FORMAT_TARGETS.map((t) => `${t.name} (${t.description})`).join(', ')}; exit 2 on bad input`)
    .addArgument(new Argument('<target>', 'what to generate').choices(TARGET_NAMES as string[]))
    .option('--scheme <file>', 'scheme for <t,t,t> (any supported format; exact or float); required by the scheme targets')
    .option('--tile <t>', 'tile size t; must match the scheme; required by the scheme targets', parseTile)
    .addOption(new Option('--dtype <type>', 'element type on the GPU (fp32 accumulate)').choices(DTYPES as string[]).default('bf16'))
    .addOption(new Option('--product-dtype <type>', 'the r products in FP8 e4m3 (per-product scales, fp32 accumulate, bf16 Z): adds the FP8 functions to the triton module').choices(PRODUCT_DTYPES as string[]))
    .requiredOption('-o, --output <file>', 'output file (- for standard output); a folder for a package target')
    .option('--from <source>', 'source format of the scheme, when the extension does not tell')
    .option('--allow-ill-conditioned', 'generate even when the predicted rounding error in --dtype exceeds the scheme\'s own approximation error (or 2 % for exact schemes)')
    .option('--json', 'print a machine-readable summary (to stderr when the code goes to stdout)')
    .option('--format <n,m,p>', 'flipwalk: the matrix format', parseFormat)
    .option('--field <F>', 'flipwalk: the field of the walk (Z2)')
    .option('--rank-bound <r>', 'flipwalk: most terms a walker holds (default n·m·p + the walk\'s maxUp)', parsePositiveInt)
    .option('--start <files...>', 'flipwalk: start schemes, written beside the program as start.txt (reduced mod 2)')
    .action((target: string, o: { scheme?: string; tile?: number; dtype: CodegenDtype; productDtype?: ProductDtype; output: string; from?: string; json?: boolean; allowIllConditioned?: boolean } & FlipwalkCliOptions) => {
      if (formatTargetNamed(target)) return flipwalkCodegen(o, status);
      if (o.scheme === undefined || o.tile === undefined) return status.badInput(`codegen ${target} needs --scheme FILE and --tile t`);
      for (const f of ['format', 'field', 'rankBound', 'start'] as const) if (o[f] !== undefined) return status.badInput(`--${f === 'rankBound' ? 'rank-bound' : f} is an option of codegen flipwalk, not of ${target}`);
      const file = o.scheme, tile = o.tile;
      const s = status.guard(() => loadScheme(file, { from: o.from }), file);
      if (!s) return;
      const pkg = targetNamed(target)?.package ?? false;
      if (pkg && o.output === '-') {
        status.badInput(`${target} writes a package of files: -o must name a folder, not -`);
        return;
      }
      if (o.productDtype && target !== 'triton') return status.badInput(`--product-dtype ${o.productDtype} is generated for the triton target only, not ${target}`);
      const done = status.guard(() => generate(target, s, tile, { dtype: o.dtype, source: file, ...(o.productDtype ? { productDtype: o.productDtype } : {}) }), file);
      if (!done) return;
      // Checked after generate, which validates the scheme (square, tile, field) with its own errors.
      const lowPrecision = targetNamed(target)?.lowPrecision;
      const rounding = !lowPrecision ? null : o.productDtype ? status.guard(() => checkFp8Rounding(s), file) : status.guard(() => checkRounding(s, o.dtype, lowPrecision.storeProducts), file);
      if (rounding === undefined) return;
      if (rounding && !rounding.ok && !o.allowIllConditioned) {
        status.badInput((o.productDtype ? fp8RefusalMessage : refusalMessage)(file, rounding));
        return;
      }
      const { files, op } = done;
      if (o.output === '-') print(fileText(files[0]));
      else {
        const ok = status.guard(() => {
          try {
            writeGenerated(o.output, files, pkg);
            return true;
          } catch (err) {
            throw new InputError(o.output, '', `cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
          }
        });
        if (!ok) return;
      }
      const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.contents), 0);
      const summary = { target, output: o.output, scheme: file, name: op.name, t: op.t, r: op.r, dtype: o.dtype, ...(o.productDtype ? { productDtype: o.productDtype } : {}), exact: op.exact, isotropicError: op.isotropicError, sha256: op.hash, bytes, ...(pkg ? { files: files.map((f) => f.path) } : {}), ...(rounding ? { rounding } : {}) };
      if (o.json) (o.output === '-' ? (x: unknown) => printErr(JSON.stringify(x)) : printJson)(summary);
      else if (o.output !== '-') {
        print(`wrote ${o.output}: ${target} for ${op.name} (t ${op.t}, r ${op.r}, ${o.dtype}${o.productDtype ? `, products ${o.productDtype}` : ''}, ${op.exact ? 'exact' : `approximate, isotropic error ${op.isotropicError.toPrecision(4)}`})`);
        if (rounding) print(`  ${o.productDtype ? describeFp8Rounding(rounding) : describeRounding(rounding)}${rounding.ok ? '' : ' — exceeded, generated because of --allow-ill-conditioned'}`);
      }
    });
}
