import type { Command } from 'commander';
import { Option } from 'commander';
import { BUILTIN, builtinScheme } from '../library/builtin.ts';
import { schemeName, rank } from '../scheme/index.ts';
import { EXPORTER_NAMES, exportScheme } from '../formats/registry.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { schemeFacts } from './describe.ts';
import { print, printJson, table } from './output.ts';
import type { Status } from './status.ts';

export function libraryCommand(program: Command, status: Status): void {
  const lib = program.command('library').description('the built-in schemes: naive, Strassen, Winograd, Laderman and Kronecker products');
  lib
    .command('list')
    .description('list the built-in schemes')
    .option('--json', 'machine-readable output')
    .action((o) => {
      const rows = BUILTIN.map((b) => ({ name: b.name, scheme: schemeName(b.build()), description: b.description }));
      if (o.json) printJson(rows);
      else print(table(['name', 'scheme', 'description'], rows.map((r) => [r.name, r.scheme, r.description])));
    });
  lib
    .command('show')
    .description('print a built-in scheme as an algorithm')
    .argument('<name>', 'built-in scheme name (see library list)')
    .addOption(new Option('--to <format>', 'output format').choices(EXPORTER_NAMES()).default('md'))
    .option('--json', 'print facts as JSON instead')
    .action((name: string, o) => {
      const s = status.guard(() => builtinScheme(name));
      if (!s) return;
      if (o.json) printJson({ name, ...schemeFacts(s) });
      else print(exportScheme(s, o.to));
    });
  lib
    .command('export')
    .description('write a built-in scheme to a file')
    .argument('<name>', 'built-in scheme name (see library list)')
    .requiredOption('-o, --output <file>', 'output file (- for standard output)')
    .addOption(new Option('--to <format>', 'output format').choices(EXPORTER_NAMES()).default('json'))
    .action((name: string, o) => {
      const s = status.guard(() => builtinScheme(name));
      if (!s) return;
      const text = exportScheme(s, o.to);
      if (o.output === '-') print(text);
      else {
        writeFileAtomic(o.output, text);
        print(`wrote ${o.output} (${schemeName(s)}, rank ${rank(s)}, ${o.to})`);
      }
    });
}
