import { basename, dirname } from 'node:path';
import { Option, type Command } from 'commander';
import { DTYPES, generate, targetNamed, writeGenerated, type CodegenDtype } from '../codegen/index.ts';
import { InputError } from '../formats/errors.ts';
import { loadScheme } from '../formats/registry.ts';
import { isotropicError } from '../stl/error.ts';
import { encodersFromScheme } from '../stl/operator.ts';
import { checkRounding, describeRounding, refusalMessage } from '../stl/rounding-check.ts';
import { print, printJson } from './output.ts';
import type { Status } from './status.ts';

/**
 * `stlkit export pytorch FILE -o DIR`: the codegen target `pytorch` (src/codegen/targets/pytorch.ts),
 * a Python package in DIR, with the tile size taken from the scheme. Exit 0 written, 2 bad input.
 */
export function exportCommand(program: Command, status: Status): void {
  const exp = program.command('export').description('export a scheme for use outside stlkit');
  exp
    .command('pytorch')
    .description('write DIR as a Python package: STLLinear (a drop-in for nn.Linear) and convert_linears, forward and backward on Triton kernels on CUDA, plain torch elsewhere; the encoders in DIR/stl_encoders.safetensors (E_X r×t², E_W r×t², D t²×r, float64, with t, r and the isotropic error); exit 2 on bad input')
    .argument('<file>', 'scheme for <t,t,t> (any supported format; rational coefficients are rounded to float64)')
    .requiredOption('-o, --out <dir>', 'package directory (created if missing; its files are replaced); import it by its folder name')
    .option('--from <source>', 'source format, when the extension does not tell')
    .addOption(new Option('--dtype <type>', 'the low-precision format the layer will run in, for the rounding check').choices(DTYPES as string[]).default('bf16'))
    .option('--allow-ill-conditioned', 'export even when the predicted rounding error in --dtype exceeds the scheme\'s own approximation error (or 2 % for exact schemes)')
    .option('--json', 'machine-readable output')
    .action((file: string, o: { out: string; from?: string; json?: boolean; dtype: CodegenDtype; allowIllConditioned?: boolean }) => {
      const s = status.guard(() => loadScheme(file, { from: o.from }), file);
      if (!s) return;
      const source = s.meta.source ? `${file} (${s.meta.source})` : file;
      const made = status.guard(() => {
        const { t } = encodersFromScheme(s); // its message for schemes that are not <t,t,t>
        return generate('pytorch', s, t, { dtype: o.dtype, source });
      }, file);
      if (!made) return;
      const lowPrecision = targetNamed('pytorch')?.lowPrecision;
      const rounding = lowPrecision ? status.guard(() => checkRounding(s, o.dtype, lowPrecision.storeProducts), file) : null;
      if (rounding === undefined) return;
      if (rounding && !rounding.ok && !o.allowIllConditioned) return status.badInput(refusalMessage(file, rounding));
      const files = status.guard(() => {
        try {
          return writeGenerated(o.out, made.files, true);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code) throw new InputError(o.out, '', `cannot write the export there (${code})`);
          throw err;
        }
      }, file);
      if (!files) return;
      const { op } = made;
      const e = isotropicError(s);
      const info = { t: op.t, r: op.r, isotropicError: e.fraction ?? String(e.value), isotropicErrorFloat: e.value, source, scheme: op.name, field: op.field };
      if (o.json) printJson({ files, ...info, ...(rounding ? { rounding } : {}) });
      else {
        print(`wrote ${o.out}: ${files.map((f) => basename(f)).join(', ')}`);
        const name = basename(o.out);
        print(/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)
          ? `  use: sys.path.insert(0, ${JSON.stringify(dirname(o.out))}); from ${name} import STLLinear, convert_linears`
          : `  the folder name ${JSON.stringify(name)} is not a Python identifier: rename it, or load it with importlib`);
        print(`  ${info.scheme} over ${info.field}: t ${info.t}, r ${info.r}, E_X ${info.r}×${info.t ** 2}, E_W ${info.r}×${info.t ** 2}, D ${info.t ** 2}×${info.r}, isotropic error ${info.isotropicError}`);
        if (rounding) print(`  ${describeRounding(rounding)}${rounding.ok ? '' : ' — exceeded, exported because of --allow-ill-conditioned'}`);
      }
    });
}
