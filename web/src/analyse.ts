/**
 * The worker's job, step by step: read the file with the library's importers, verify it exactly,
 * then, for <t,t,t> schemes, the STL error measures and operator, and last its symmetry group. Each
 * result is sent as soon as it exists, so the page shows the scheme before the slower steps end.
 */
import { codegenOperator } from '../../src/codegen/operator.ts';
import { algorithmLines, headerLine } from '../../src/formats/algorithm.ts';
import { badInputMessage, InputError } from '../../src/formats/errors.ts';
import { schemeToJson } from '../../src/formats/json.ts';
import { readPasted, readSchemes, type ReadScheme } from '../../src/formats/sources.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { rank, schemeName, type Scheme } from '../../src/scheme/index.ts';
import { isotropicError } from '../../src/stl/error.ts';
import { kappa } from '../../src/stl/lowprec.ts';
import { encodersFromScheme } from '../../src/stl/operator.ts';
import { symmetryGroup } from '../../src/symmetry/index.ts';
import { describeTarget } from '../../src/tensor/index.ts';
import { verifyScheme } from '../../src/verify/index.ts';
import type { AnalyseRequest, StlSummary, SymmetrySummary, VerifySummary, WorkerReply } from './messages.ts';

/** Failing equations listed on the page (the count is always complete). */
const MAX_FAILURES = 20;
/** The correspondence search stops here; the order is then reported as a lower bound. */
const SYMMETRY_NODE_LIMIT = 200_000;
// The symmetry search is the slow step (seconds for <4,4,4>:49): last, so the rest shows at once.
const STEPS = ['read', 'verify', 'STL error', 'symmetry', 'done'];

type Post = (reply: WorkerReply) => void;

export function analyse(req: AnalyseRequest, post: Post): void {
  const started = performance.now();
  const { id } = req;
  const progress = (k: number) => post({ id, kind: 'progress', step: STEPS[k], done: k, total: STEPS.length - 1 });
  const file = req.example ? `${req.example}.json` : req.pasted ? req.pasted.name : req.files[0]?.name ?? '(no file)';
  try {
    progress(0);
    const all = read(req);
    const chosen = all.find((x) => x.label === req.member) ?? all[0];
    if (!chosen) throw new InputError(file, '', 'holds no scheme');
    const s = chosen.scheme;
    const lines = algorithmLines(s, 'tex');
    post({
      id, kind: 'loaded', scheme: {
        file, source: chosen.source, name: schemeName(s), format: describeTarget(s.target), rank: rank(s), field: s.fieldTag,
        members: all.map((x) => x.label), member: chosen.label, header: headerLine(s), products: lines.products, outputs: lines.outputs,
      },
    });
    progress(1);
    post({ id, kind: 'verified', verify: verify(s) });
    progress(2);
    post({ id, kind: 'stl', stl: isCube(s) ? attempt(file, () => stlSummary(s)) : null });
    progress(3);
    post({ id, kind: 'symmetry', symmetry: attempt(file, () => symmetry(s)) });
    progress(4);
    post({ id, kind: 'done', ms: performance.now() - started });
  } catch (err) {
    const message = badInputMessage(err, file);
    // Anything else is a fault of the program, still reported on one line so the page goes on.
    post({ id, kind: 'error', message: message ?? `internal error on ${file}: ${(err as Error)?.message ?? String(err)}` });
  }
}

function read(req: AnalyseRequest): ReadScheme[] {
  if (req.example) return readSchemes(new TextEncoder().encode(schemeToJson(builtinScheme(req.example))), `${req.example}.json`);
  if (req.pasted) return readPasted(req.pasted.text, req.pasted.name || 'pasted', { from: req.from || undefined });
  const [first] = req.files;
  if (!first) throw new InputError('(no file)', '', 'nothing to read');
  // Siblings (PLinOpt's _L, _R, _P) are looked up among the other dropped files by name.
  const byName = new Map(req.files.map((f) => [f.name, new Uint8Array(f.bytes)]));
  const readFile = (path: string) => {
    const bytes = byName.get(path.slice(path.lastIndexOf('/') + 1));
    if (!bytes) throw Object.assign(new Error(`${path} was not dropped with it`), { code: 'ENOENT' });
    return bytes;
  };
  const format = req.member ? (req.member.split(',').map(Number) as [number, number, number]) : undefined;
  return readSchemes(new Uint8Array(first.bytes), first.name, { from: req.from || undefined, readFile, format });
}

/** A step that may refuse this scheme (a float field, a huge search): its one-line reason instead. */
function attempt<T>(file: string, f: () => T): T | { error: string } {
  try {
    return f();
  } catch (err) {
    return { error: badInputMessage(err, file) ?? (err as Error).message };
  }
}

function verify(s: Scheme<unknown>): VerifySummary {
  const r = verifyScheme(s, { maxFailures: MAX_FAILURES });
  if (r.kind === 'float') return { kind: 'float', field: 'R', equations: r.equations, relFrobenius: r.relFrobenius, maxAbs: r.maxAbs };
  return { kind: 'exact', field: r.field, exact: r.exact, equations: r.equations, failing: r.failing, failures: r.failures, method: r.method, isotropicError: r.isotropicError };
}

function symmetry(s: Scheme<unknown>): SymmetrySummary {
  const G = symmetryGroup(s, { perms: 'all', method: 'auto', nodeLimit: SYMMETRY_NODE_LIMIT });
  return { order: G.order, complete: G.complete, field: G.field, method: G.method, orbits: G.productOrbits.map((o) => o.map((l) => l + 1)), elementOrders: G.elementOrders };
}

function isCube(s: Scheme<unknown>): boolean {
  if (s.target.kind !== 'matmul' || s.target.transposedC) return false;
  const [n, m, p] = s.target.format;
  return n === m && m === p && s.field.characteristic === 0n;
}

function stlSummary(s: Scheme<unknown>): StlSummary {
  const t = (s.target as { format: [number, number, number] }).format[0];
  const iso = isotropicError(s);
  return { t, isotropic: { value: iso.value, fraction: iso.fraction }, kappa: kappa(encodersFromScheme(s)), operator: codegenOperator(s, t) };
}
