import { describe, FIELD_TAGS_HELP, fieldOf, isFieldTag, type Field, type FieldTag, type JsonCoeff } from '../field/index.ts';
import { makeScheme, rank, type Scheme } from '../scheme/index.ts';
import type { TargetSpec } from '../tensor/index.ts';
import { asInputError, InputError } from './errors.ts';

/** Keys of scheme JSON that stlkit interprets; any others are kept in meta and written back. */
const KNOWN = new Set(['format', 'rank', 'field', 'coefficients', 'source', 'tensor', 'U', 'V', 'W', 'name']);

/** Parse scheme JSON text ("Scheme JSON" of shared/data/schemes/README.md). */
export function parseSchemeJson(text: string, file = '<input>'): Scheme<unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    // Newer V8 (browsers) append "(line L column C)" to the position Node 20 gives: the same line everywhere.
    const msg = (err as Error).message.replace(/ \(line \d+ column \d+\)$/, '');
    throw new InputError(file, '', `invalid JSON (${/end of JSON|Unterminated/i.test(msg) ? 'truncated? ' : ''}${msg})`);
  }
  return schemeFromObject(doc, file);
}

export function schemeFromObject(doc: unknown, file = '<input>'): Scheme<unknown> {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new InputError(file, '', `expected a JSON object with format, rank, field, U, V, W; got ${describe(doc)}`);
  const o = doc as Record<string, unknown>;
  const need = (key: string) => {
    if (!(key in o)) throw new InputError(file, `"${key}"`, 'missing (scheme JSON needs format, rank, field, U, V, W)');
    return o[key];
  };
  const tag = need('field');
  if (typeof tag !== 'string' || !isFieldTag(tag)) throw new InputError(file, '"field"', `unknown field ${describe(tag)}; expected ${FIELD_TAGS_HELP}`);
  const target = readTarget(o, file);
  const r = need('rank');
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 0) throw new InputError(file, '"rank"', `expected a non-negative integer, got ${describe(r)}`);
  const F = fieldOf(tag);
  const U = readMatrix(o, 'U', F, tag, r, file);
  const V = readMatrix(o, 'V', F, tag, r, file);
  const W = readMatrix(o, 'W', F, tag, r, file);
  const meta: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!KNOWN.has(k)) meta[k] = v;
  if (typeof o.source === 'string') meta.source = o.source;
  if (typeof o.name === 'string') meta.name = o.name;
  try {
    return makeScheme({ field: F, fieldTag: tag, target, U, V, W, meta });
  } catch (err) {
    return asInputError(file, '', err);
  }
}

function readTarget(o: Record<string, unknown>, file: string): TargetSpec {
  if ('tensor' in o && o.tensor !== undefined) {
    const t = o.tensor as TargetSpec;
    if (!t || typeof t !== 'object' || typeof (t as { kind?: unknown }).kind !== 'string') throw new InputError(file, '"tensor"', 'expected an object with a "kind"');
    if (t.kind !== 'matmul') return t;
  }
  if (!('format' in o)) throw new InputError(file, '"format"', 'missing (expected [n, m, p])');
  const f = o.format;
  if (!Array.isArray(f) || f.length !== 3 || f.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < 1)) {
    throw new InputError(file, '"format"', `expected three positive integers [n, m, p], got ${JSON.stringify(f)}`);
  }
  return { kind: 'matmul', format: [f[0], f[1], f[2]] };
}

function readMatrix(o: Record<string, unknown>, key: 'U' | 'V' | 'W', F: Field<unknown>, tag: FieldTag, r: number, file: string): unknown[][] {
  if (!(key in o)) throw new InputError(file, `"${key}"`, 'missing (expected one row per product)');
  const M = o[key];
  if (!Array.isArray(M)) throw new InputError(file, `"${key}"`, `expected an array of rows, got ${describe(M)}`);
  if (M.length !== r) throw new InputError(file, `"${key}"`, `has ${M.length} rows but "rank" is ${r}`);
  return M.map((row, l) => {
    if (!Array.isArray(row)) throw new InputError(file, `${key}[${l}]`, `expected a row (array), got ${describe(row)}`);
    return row.map((x, t) => {
      try {
        if (tag === 'Z' && !(typeof x === 'number' ? Number.isInteger(x) : typeof x === 'string' && /^\s*[+-]?\d+\s*$/.test(x))) {
          throw new InputError(file, `${key}[${l}][${t}]`, `expected an integer for field "Z", got ${describe(x)}`);
        }
        return F.parse(x);
      } catch (err) {
        return asInputError(file, `${key}[${l}][${t}]`, err);
      }
    });
  });
}

/**
 * Scheme JSON text: the README's key order, one factor row per line, distinct coefficients listed.
 * Extra metadata goes after the standard keys and survives a round trip.
 */
export function schemeToJson<E>(s: Scheme<E>): string {
  const F = s.field;
  const row = (x: readonly E[]) => JSON.stringify(x.map((v) => F.toJSON(v)));
  const mat = (M: readonly (readonly E[])[]) => (M.length === 0 ? '[]' : `[\n  ${M.map(row).join(',\n  ')}\n ]`);
  const head: Record<string, unknown> = {};
  if (s.target.kind === 'matmul' && !s.target.transposedC) head.format = s.target.format;
  else head.tensor = s.target;
  head.rank = rank(s);
  head.field = s.fieldTag;
  head.coefficients = coefficientList(s);
  if (s.meta.source !== undefined) head.source = s.meta.source;
  if (s.meta.name !== undefined) head.name = s.meta.name;
  for (const [k, v] of Object.entries(s.meta)) if (!KNOWN.has(k) && v !== undefined) head[k] = v;
  const parts = Object.entries(head).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  return `{${parts.join(',\n ')},\n "U":${mat(s.U)},\n "V":${mat(s.V)},\n "W":${mat(s.W)}}\n`;
}

/** Distinct coefficients in the order the field's own sorting gives (numeric for Q). */
function coefficientList<E>(s: Scheme<E>): JsonCoeff[] {
  const F = s.field;
  const seen = new Map<string, E>();
  for (const M of [s.U, s.V, s.W]) for (const r of M) for (const x of r) seen.set(JSON.stringify(F.toJSON(x)), x);
  const list = [...seen.values()];
  if (F.name === 'Q' || F.name === 'R' || /^Z\d+$/.test(F.name)) {
    list.sort((x, y) => numeric(F.toJSON(x)) - numeric(F.toJSON(y)));
  } else {
    list.sort((x, y) => JSON.stringify(F.toJSON(x)).localeCompare(JSON.stringify(F.toJSON(y))));
  }
  return list.map((x) => F.toJSON(x));
}

function numeric(x: JsonCoeff): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'string') {
    const [n, d] = x.split('/');
    return Number(n) / Number(d ?? 1);
  }
  return 0;
}
