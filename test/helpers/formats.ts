import { expect } from 'vitest';
import { InputError } from '../../src/formats/errors.ts';
import type { Scheme } from '../../src/scheme/index.ts';
import { verifyScheme } from '../../src/verify/index.ts';

/** Shared by the importer tests: bytes of a text, exactness, factor comparison, error assertions. */
export const enc = (s: string) => new TextEncoder().encode(s);

export const exact = (s: Scheme<unknown>) => {
  const r = verifyScheme(s);
  return r.kind === 'exact' && r.exact;
};

export const factorsJson = (s: Scheme<unknown>) => JSON.stringify([s.U, s.V, s.W].map((M) => M.map((r) => r.map((x) => s.field.toJSON(x)))));

/** The InputError `f` throws, after checking it names `name`, its location and (optionally) the problem. */
export function throwsInput(f: () => unknown, name: string, where: RegExp | string, problem?: RegExp): InputError {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InputError);
  const e = err as InputError;
  expect(e.message).toContain(name);
  if (typeof where === 'string') expect(e.where).toBe(where);
  else expect(e.where).toMatch(where);
  if (problem) expect(e.problem).toMatch(problem);
  return e;
}
