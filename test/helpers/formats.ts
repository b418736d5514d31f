import { expect } from 'vitest';
import { InputError } from '../../src/formats/errors.ts';
import type { Scheme } from '../../src/scheme/index.ts';
import { verifyScheme } from '../../src/verify/index.ts';

/** Shared by the format tests: bytes of a text, exactness, factor comparison, the InputError assertion. */
export const enc = (s: string) => new TextEncoder().encode(s);

export const exact = (s: Scheme<unknown>) => {
  const r = verifyScheme(s);
  return r.kind === 'exact' && r.exact;
};

export const factorsJson = (s: Scheme<unknown>) => JSON.stringify([s.U, s.V, s.W].map((M) => M.map((r) => r.map((x) => s.field.toJSON(x)))));

/**
 * The InputError `f` throws; the test fails when it throws anything else, or nothing. Given, the
 * message must name `file`, the location must be `where` (or match it) and the problem match `problem`.
 */
export function throwsInput(f: () => unknown, file?: string, where?: RegExp | string, problem?: RegExp): InputError {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected an InputError').toBeInstanceOf(InputError);
  const e = err as InputError;
  if (file !== undefined) expect(e.message).toContain(file);
  if (typeof where === 'string') expect(e.where).toBe(where);
  else if (where) expect(e.where).toMatch(where);
  if (problem) expect(e.problem).toMatch(problem);
  return e;
}
