import type { Command } from 'commander';
import { Option } from 'commander';
import { BUILTIN, builtinScheme } from '../library/builtin.ts';
import { publishedIndex, publishedScheme, type PublishedEntry } from '../library/published.ts';
import { schemeName, rank, type Scheme } from '../scheme/index.ts';
import { EXPORTER_NAMES, exportScheme } from '../formats/registry.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { schemeFacts } from './describe.ts';
import { print, printJson, table } from './output.ts';
import type { Status } from './status.ts';

/** A built-in scheme, else a published one (names of the latter contain a "/"). */
function libraryScheme(name: string): Scheme<unknown> {
  return BUILTIN.some((b) => b.name === name) || !name.includes('/') ? builtinScheme(name) : publishedScheme(name);
}

const formatName = (e: PublishedEntry) => `<${e.format.join(',')}>:${e.rank}`;
const bestKnown = (e: PublishedEntry) => (e.bestKnown ? ['ZT', 'Z', 'Q'].filter((k) => e.bestKnown![k] !== undefined).map((k) => `${k} ${e.bestKnown![k]}`).join(', ') : '');

export function libraryCommand(program: Command, status: Status): void {
  const lib = program.command('library').description('the built-in schemes (naive, Strassen, Winograd, Laderman, Kronecker products) and the published schemes shipped with stlkit, with their source and licence');
  lib
    .command('list')
    .description('list the built-in and the published schemes (source, licence, best known rank of the format)')
    .option('--json', 'machine-readable output')
    .action((o) => {
      const index = status.guard(() => publishedIndex());
      if (!index) return;
      const builtin = BUILTIN.map((b) => ({ name: b.name, scheme: schemeName(b.build()), description: b.description }));
      const published = index.schemes.map((e) => ({ ...e, scheme: formatName(e) }));
      if (o.json) return printJson({ builtin, published });
      print(table(['name', 'scheme', 'description'], builtin.map((r) => [r.name, r.scheme, r.description])));
      print('');
      print(`published schemes (${published.length}; each checked against its sha256 when loaded; best known: the least rank known for the format over ZT = {-1,0,1}, Z, Q):`);
      print(table(['name', 'scheme', 'field', 'why', 'best known', 'licence', 'source'], published.map((e) => [e.name, e.scheme, e.field, e.roles.join(', '), bestKnown(e), e.licence, e.source])));
    });
  lib
    .command('show')
    .description('print a built-in or published scheme as an algorithm')
    .argument('<name>', 'scheme name (see library list)')
    .addOption(new Option('--to <format>', 'output format').choices(EXPORTER_NAMES()).default('md'))
    .option('--json', 'print facts as JSON instead')
    .action((name: string, o) => {
      const s = status.guard(() => libraryScheme(name));
      if (!s) return;
      if (o.json) printJson({ name, ...schemeFacts(s), ...provenance(name) });
      else print(exportScheme(s, o.to));
    });
  lib
    .command('export')
    .description('write a built-in or published scheme to a file')
    .argument('<name>', 'scheme name (see library list)')
    .requiredOption('-o, --output <file>', 'output file (- for standard output)')
    .addOption(new Option('--to <format>', 'output format').choices(EXPORTER_NAMES()).default('json'))
    .action((name: string, o) => {
      const s = status.guard(() => libraryScheme(name));
      if (!s) return;
      const text = exportScheme(s, o.to);
      if (o.output === '-') print(text);
      else {
        writeFileAtomic(o.output, text);
        const p = provenance(name);
        print(`wrote ${o.output} (${schemeName(s)}, rank ${rank(s)}, ${o.to}${p.licence ? `; ${p.source}, licence ${p.licence}` : ''})`);
      }
    });
}

/** Source and licence of a published scheme (nothing for built-ins: their source is in the scheme's meta). */
function provenance(name: string): { source?: string; licence?: string } {
  const e = name.includes('/') ? publishedIndex().schemes.find((x) => x.name === name) : undefined;
  return e ? { source: e.source, licence: e.licence } : {};
}
