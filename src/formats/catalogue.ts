/**
 * A catalogue of folders of scheme files: every file any importer reads is imported, verified
 * exactly and summarised in one row, with the format detection chose and why; the other files
 * keep their one-line reason in one of three lists: not a scheme file at all (a README, a table of
 * ranks, an edge list), a scheme stlkit refuses on purpose (border rank, √3), or unreadable.
 * Files are read in parallel on worker threads (catalogue-pool.ts); the order stays the walk's.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { changeField, counts, rank, type Scheme } from '../scheme/index.ts';
import { verifyScheme } from '../verify/index.ts';
import { cataloguePool } from './catalogue-pool.ts';
import { InputError, NotSchemeError, UnsupportedError } from './errors.ts';
import { loadSchemes } from './registry.ts';

/** One scheme read from a file (an .npz gives one per member, labelled). */
export interface CatalogueRow {
  file: string;
  format: string;
  rank: number;
  field: string;
  /** 'exact', 'not exact', or 'float' for R schemes (floating point never decides exactness). */
  verdict: 'exact' | 'not exact' | 'float';
  additions: number;
  /** The source format that read the file, and why detection chose it. */
  detected: string;
  /** Set when a scheme that is not exact over Z is exact over Z2, a file without a Z2 marker. */
  note?: string;
}

/** A file that gave no rows, and why. */
export interface Unreadable {
  file: string;
  reason: string;
}

/** The lowest exact rank found for one format and field, beside the best known rank where there is one. */
export interface BestRow {
  format: string;
  field: string;
  rank: number;
  file: string;
  bestKnown: number | null;
}

export interface Catalogue {
  rows: CatalogueRow[];
  /** Scheme files that could not be read. */
  unreadable: Unreadable[];
  /** Scheme files refused on purpose: not exact bilinear schemes over a field stlkit has. */
  unsupported: Unreadable[];
  /** Files that are no scheme files, skipped. */
  skipped: Unreadable[];
  best: BestRow[];
}

/** What reading one file gave: rows, or one of the three reasons for none. */
export type FileResult = { rows: CatalogueRow[] } | ({ kind: 'unreadable' | 'unsupported' | 'skipped' } & Unreadable);

/** Best known ranks by sorted format "NxMxP" and ring (Q, Z, ZT), as in Perminov's status table. */
export type BestKnown = Record<string, Partial<Record<string, number>>>;

/** Names that are documentation or licences, never schemes. */
const NOT_SCHEMES = /^(readme|license|licence|copying|notice|changelog)(\b|[-_.])/i;
const DOC_EXTENSIONS = new Set(['.md', '.html', '.pdf', '.png', '.svg', '.py', '.ts', '.js', '.csv', '.sh', '.ipynb', '.gz', '.zip', '.tar']);

/**
 * The files under `paths` (files or folders, walked recursively, sorted): those to read, and those
 * skipped by name (documentation, licences) with the reason. A PLinOpt scheme is three to six
 * sibling files; only the first of each group is read, since the importer reads the siblings.
 */
export function filesUnder(paths: readonly string[]): { files: string[]; skipped: Unreadable[] } {
  const out: string[] = [];
  const skipped: Unreadable[] = [];
  const walk = (p: string, top: boolean) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      if (top) out.push(p); // let the importer phrase "no such file"
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!name.startsWith('.')) walk(join(p, name), false);
      return;
    }
    const name = basename(p);
    if (!top && NOT_SCHEMES.test(name)) skipped.push({ file: p, reason: `${p}: not a scheme file: documentation or licence (by its name)` });
    else if (!top && DOC_EXTENSIONS.has(extname(name).toLowerCase())) skipped.push({ file: p, reason: `${p}: not a scheme file: extension ${extname(name)}` });
    else out.push(p);
  };
  for (const p of paths) walk(p, true);
  const seen = new Set<string>();
  const files = out.filter((f) => {
    const key = plinoptGroup(f);
    if (key === null) return true;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { files, skipped };
}

/** The scheme files under `paths` (see filesUnder). */
export function schemeFilesUnder(paths: readonly string[]): string[] {
  return filesUnder(paths).files;
}

/** The group a PLinOpt factor file belongs to (its path with the part letter blanked), or null. */
function plinoptGroup(file: string): string | null {
  const m = /^(.*?)(-ALT|-CoB)?_[LRP](_[AC])?\.(sms|slp)$/.exec(file);
  if (!m) return null;
  return `${m[1]}${m[2] ? '-F' : ''}_X${m[3] ? '_F' : ''}.${m[4]}`;
}

/** Import and verify one file: its rows, or why it gives none. */
export function catalogueFile(file: string): FileResult {
  let schemes;
  let detected = '';
  try {
    schemes = loadSchemes(file, { explain: (line) => (detected = line.replace(/^format: /, '')) });
  } catch (err) {
    const kind = err instanceof NotSchemeError ? 'skipped' : err instanceof UnsupportedError ? 'unsupported' : 'unreadable';
    if (err instanceof InputError) return { kind, file, reason: err.message };
    if (err instanceof Error && ['FieldError', 'SchemeError', 'TensorError'].includes(err.name)) return { kind, file, reason: `${file}: ${err.message}` };
    throw err;
  }
  return { rows: schemes.map(({ label, scheme }) => row(label ? `${file} [${label}]` : file, scheme, detected)) };
}

function row(file: string, s: Scheme<unknown>, detected: string): CatalogueRow {
  const report = verifyScheme(s, { maxFailures: 0 });
  const verdict = report.kind === 'float' ? 'float' : report.exact ? 'exact' : 'not exact';
  const format = s.target.kind === 'matmul' ? s.target.format.join('x') : s.target.kind;
  const out: CatalogueRow = { file, format, rank: rank(s), field: s.fieldTag, verdict, additions: counts(s).additions.total, detected };
  const note = verdict === 'not exact' ? z2Note(s) : undefined;
  if (note) out.note = note;
  return out;
}

/**
 * A file without a Z2 marker is read over Z; when its scheme is not exact there but is over Z2, the
 * file most likely follows a mod-2 convention its name does not carry. Say so rather than guess.
 */
export function z2Note(s: Scheme<unknown>): string | undefined {
  if (s.fieldTag !== 'Z') return undefined;
  try {
    const r = verifyScheme(changeField(s, 'Z2'), { maxFailures: 0 });
    return r.kind === 'exact' && r.exact ? 'not exact over Z; exact over Z2 — pass --field Z2' : undefined;
  } catch {
    return undefined;
  }
}

export interface CatalogueOptions {
  /** Told after each file (for a progress line). */
  onFile?: (done: number, total: number, file: string) => void;
  /** Worker threads; 1 reads the files in this thread. */
  jobs?: number;
}

/** Catalogue the files under `paths`, in the walk's order whatever order the workers finish in. */
export async function catalogue(paths: readonly string[], bestKnown: BestKnown | null, o: CatalogueOptions = {}): Promise<Catalogue> {
  const { files, skipped } = filesUnder(paths);
  const results: FileResult[] = new Array(files.length);
  let done = 0;
  const onResult = (i: number, r: FileResult) => {
    results[i] = r;
    o.onFile?.(++done, files.length, files[i]);
  };
  const jobs = Math.max(1, Math.min(o.jobs ?? 1, files.length));
  if (jobs > 1) await cataloguePool(files, jobs, onResult);
  else files.forEach((f, i) => onResult(i, catalogueFile(f)));
  const cat: Catalogue = { rows: [], unreadable: [], unsupported: [], skipped: [...skipped], best: [] };
  for (const r of results) {
    if ('rows' in r) cat.rows.push(...r.rows);
    else cat[r.kind].push({ file: r.file, reason: r.reason });
  }
  cat.skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  cat.best = bestRanks(cat.rows, bestKnown);
  return cat;
}

/** Perminov's rings by the field they compare with: an integer scheme against Z, a rational one against Q. */
const RING: Record<string, string> = { Z: 'Z', Q: 'Q' };

/** The lowest exact rank per format and field, ordered by format then field. */
export function bestRanks(rows: readonly CatalogueRow[], bestKnown: BestKnown | null): BestRow[] {
  const best = new Map<string, CatalogueRow>();
  for (const r of rows) {
    if (r.verdict !== 'exact') continue;
    const key = `${r.format}|${r.field}`;
    const b = best.get(key);
    if (!b || r.rank < b.rank) best.set(key, r);
  }
  return [...best.values()]
    .map((r) => ({ format: r.format, field: r.field, rank: r.rank, file: r.file, bestKnown: known(bestKnown, r.format, r.field) }))
    .sort((a, b) => compareFormats(a.format, b.format) || a.field.localeCompare(b.field));
}

/** The matmul rank is the same for every order of n, m, p; the table is keyed by the sorted one. */
function known(table: BestKnown | null, format: string, field: string): number | null {
  const ring = RING[field];
  if (!table || !ring || !/^\d+x\d+x\d+$/.test(format)) return null;
  const key = format.split('x').map(Number).sort((a, b) => a - b).join('x');
  return table[key]?.[ring] ?? null;
}

function compareFormats(a: string, b: string): number {
  const x = a.split('x').map(Number), y = b.split('x').map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] || 0) - (y[i] || 0) || a.localeCompare(b);
  return a.localeCompare(b);
}

/** Read a best-known table {"ranks": {"NxMxP": {"Q": r, "Z": r, "ZT": r}}}; bad input is an InputError. */
export function readBestKnown(file: string): BestKnown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(file, '', code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? (err as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError(file, '', `invalid JSON (${(err as Error).message})`);
  }
  const ranks = (data as { ranks?: unknown })?.ranks;
  if (!ranks || typeof ranks !== 'object' || Array.isArray(ranks)) throw new InputError(file, '', 'expected {"ranks": {"NxMxP": {"Q": r, "Z": r, "ZT": r}}}');
  for (const [k, v] of Object.entries(ranks)) {
    if (!/^\d+x\d+x\d+$/.test(k) || !v || typeof v !== 'object') throw new InputError(file, `"ranks"."${k}"`, 'expected a format NxMxP mapped to {"Q": r, "Z": r, "ZT": r}');
    for (const [ring, r] of Object.entries(v)) if (!Number.isInteger(r)) throw new InputError(file, `"ranks"."${k}"."${ring}"`, 'expected an integer rank');
  }
  return ranks as BestKnown;
}
