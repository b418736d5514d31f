import type { Command } from 'commander';
import { Argument, InvalidArgumentError, Option } from 'commander';
import { DTYPES, fileText, generate, writeGenerated, TARGET_NAMES, TARGETS, targetNamed, type CodegenDtype } from '../codegen/index.ts';
import { InputError } from '../formats/errors.ts';
import { loadScheme } from '../formats/registry.ts';
import { checkRounding, describeRounding, refusalMessage } from '../stl/rounding-check.ts';
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
    .description(`generate STL kernels for a <t,t,t> scheme: ${TARGETS.map((t) => `${t.name} (${t.description})`).join(', ')}; exit 2 on bad input`)
    .addArgument(new Argument('<target>', 'what to generate').choices(TARGET_NAMES as string[]))
    .requiredOption('--scheme <file>', 'scheme for <t,t,t> (any supported format; exact or float)')
    .requiredOption('--tile <t>', 'tile size t; must match the scheme', parseTile)
    .addOption(new Option('--dtype <type>', 'element type on the GPU (fp32 accumulate)').choices(DTYPES as string[]).default('bf16'))
    .requiredOption('-o, --output <file>', 'output file (- for standard output); a folder for a package target')
    .option('--from <source>', 'source format of the scheme, when the extension does not tell')
    .option('--allow-ill-conditioned', 'generate even when the predicted rounding error in --dtype exceeds the scheme\'s own approximation error (or 2 % for exact schemes)')
    .option('--json', 'print a machine-readable summary (to stderr when the code goes to stdout)')
    .action((target: string, o: { scheme: string; tile: number; dtype: CodegenDtype; output: string; from?: string; json?: boolean; allowIllConditioned?: boolean }) => {
      const s = status.guard(() => loadScheme(o.scheme, { from: o.from }), o.scheme);
      if (!s) return;
      const pkg = targetNamed(target)?.package ?? false;
      if (pkg && o.output === '-') {
        status.badInput(`${target} writes a package of files: -o must name a folder, not -`);
        return;
      }
      const done = status.guard(() => generate(target, s, o.tile, { dtype: o.dtype, source: o.scheme }), o.scheme);
      if (!done) return;
      // Checked after generate, which validates the scheme (square, tile, field) with its own errors.
      const lowPrecision = targetNamed(target)?.lowPrecision;
      const rounding = lowPrecision ? status.guard(() => checkRounding(s, o.dtype, lowPrecision.storeProducts), o.scheme) : null;
      if (rounding === undefined) return;
      if (rounding && !rounding.ok && !o.allowIllConditioned) {
        status.badInput(refusalMessage(o.scheme, rounding));
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
      const summary = { target, output: o.output, scheme: o.scheme, name: op.name, t: op.t, r: op.r, dtype: o.dtype, exact: op.exact, isotropicError: op.isotropicError, sha256: op.hash, bytes, ...(pkg ? { files: files.map((f) => f.path) } : {}), ...(rounding ? { rounding } : {}) };
      if (o.json) (o.output === '-' ? (x: unknown) => printErr(JSON.stringify(x)) : printJson)(summary);
      else if (o.output !== '-') {
        print(`wrote ${o.output}: ${target} for ${op.name} (t ${op.t}, r ${op.r}, ${o.dtype}, ${op.exact ? 'exact' : `approximate, isotropic error ${op.isotropicError.toPrecision(4)}`})`);
        if (rounding) print(`  ${describeRounding(rounding)}${rounding.ok ? '' : ' — exceeded, generated because of --allow-ill-conditioned'}`);
      }
    });
}
