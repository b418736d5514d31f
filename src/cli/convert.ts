import { writeFileAtomic } from '../util/atomic.ts';
import type { Command } from 'commander';
import { Option } from 'commander';
import { describeSources, EXPORTER_NAMES, exporterFor, exportScheme, loadScheme } from '../formats/registry.ts';
import { verifyScheme } from '../verify/index.ts';
import { parseFormat } from './args.ts';
import { print, printErr } from './output.ts';
import type { Status } from './status.ts';

export function convertCommand(program: Command, status: Status): void {
  program
    .command('convert')
    .description('convert a scheme between formats; exact schemes are verified before they are written')
    .argument('<in>', 'input scheme file')
    .requiredOption('-o, --output <file>', 'output file (- for standard output)')
    .option('--from <source>', `source format (default: from the extension)`)
    .addOption(new Option('--to <format>', 'output format (default: from the extension)').choices(EXPORTER_NAMES()))
    .option('--format <n,m,p>', 'pick or state the format', parseFormat)
    .option('--no-verify', 'write even if the scheme does not verify')
    .addHelpText('after', `\nSource formats:\n${describeSources()}`)
    .action((input: string, o) => {
      const s = status.guard(() => loadScheme(input, { from: o.from, format: o.format }), input);
      if (!s) return;
      const to = status.guard(() => exporterFor(o.output === '-' ? 'x.json' : o.output, o.to));
      if (!to) return;
      if (o.verify) {
        const r = verifyScheme(s);
        if (r.kind === 'exact' && !r.exact) {
          printErr(`${input}: not exact over ${r.field} (${r.failing} equations fail); nothing written (use --no-verify to write anyway)`);
          status.fail();
          return;
        }
      }
      const text = status.guard(() => exportScheme(s, to), input);
      if (text === undefined) return;
      if (o.output === '-') print(text);
      else writeFileAtomic(o.output, text);
    });
}
