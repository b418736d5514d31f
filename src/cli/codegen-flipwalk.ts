import { defaultRankBound, formatTargetNamed, writeGenerated } from '../codegen/index.ts';
import { InputError } from '../formats/errors.ts';
import { schemeToFlipwalkTerms, writeFlipwalk, type Term } from '../formats/flipwalk.ts';
import { loadScheme } from '../formats/registry.ts';
import { formatOf } from '../scheme/index.ts';
import { DEFAULT_WALK } from '../search/flip/walk.ts';
import { print, printJson } from './output.ts';
import type { Status } from './status.ts';

export interface FlipwalkCliOptions {
  format?: [number, number, number];
  field?: string;
  rankBound?: number;
  start?: string[];
  output: string;
  json?: boolean;
}

/**
 * `stlkit codegen flipwalk --format n,m,p --field Z2 [--rank-bound R] [--start FILE...] -o DIR`:
 * the walker program for one format, with stlkit's walk defaults compiled in, and the start
 * schemes (reduced mod 2) as DIR/start.txt.
 */
export function flipwalkCodegen(o: FlipwalkCliOptions, status: Status): void {
  if (!o.format) return status.badInput('codegen flipwalk needs --format n,m,p');
  const field = o.field ?? 'Z2';
  if (field !== 'Z2') return status.badInput(`codegen flipwalk walks over Z2 only, not ${field}${field === 'ZT' ? ' (ternary coefficients are not implemented)' : ''}`);
  if (o.output === '-') return status.badInput('codegen flipwalk writes a folder: -o must name one, not -');
  const [n, m, p] = o.format;
  const rankBound = o.rankBound ?? defaultRankBound(o.format, DEFAULT_WALK.maxUp);
  let startText: string | undefined;
  if (o.start) {
    const starts: Term[][] = [];
    for (const file of o.start) {
      const terms = status.guard(() => {
        const s = loadScheme(file);
        const f = formatOf(s);
        if (f.join() !== o.format!.join()) throw new InputError(file, '', `holds a <${f}> scheme, not <${n},${m},${p}>`);
        const t = schemeToFlipwalkTerms(s);
        if (t.length > rankBound) throw new InputError(file, '', `rank ${t.length} exceeds the rank bound ${rankBound} (raise --rank-bound)`);
        return t;
      }, file);
      if (!terms) return;
      starts.push(terms);
    }
    startText = writeFlipwalk(o.format, starts.map((terms) => ({ terms })));
  }
  const target = formatTargetNamed('flipwalk')!;
  const files = status.guard(() => target.generate({ format: o.format!, field, rankBound, walk: DEFAULT_WALK, startText }));
  if (!files) return;
  const ok = status.guard(() => {
    try {
      return writeGenerated(o.output, files, true);
    } catch (err) {
      throw new InputError(o.output, '', `cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  });
  if (!ok) return;
  const summary = { target: 'flipwalk', output: o.output, format: o.format, field, rankBound, walk: DEFAULT_WALK, starts: o.start?.length ?? 0, files: files.map((f) => f.path) };
  if (o.json) return printJson(summary);
  print(`wrote ${o.output}: flipwalk for <${n},${m},${p}> over Z2, rank bound ${rankBound} (${files.map((f) => f.path).join(', ')})`);
  print(`  build: nvcc -O3 -std=c++17 -arch=sm_90a -o flipwalk ${files[0].path}; on the host: g++ -O2 -std=c++17 -x c++ ${files[0].path} (--mode host)`);
}
