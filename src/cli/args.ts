import { InvalidArgumentError } from 'commander';
import { FIELD_TAGS_HELP, isFieldTag, type FieldTag } from '../field/index.ts';

/** "n,m,p" → [n, m, p] for --format. */
export function parseFormat(s: string): [number, number, number] {
  const parts = s.split(/[,x×]/).map((t) => Number(t.trim()));
  if (parts.length !== 3 || parts.some((x) => !Number.isInteger(x) || x < 1)) {
    throw new InvalidArgumentError(`expected three positive integers like 2,2,3, got "${s}"`);
  }
  return parts as [number, number, number];
}

export function parseField(s: string): FieldTag {
  if (!isFieldTag(s)) throw new InvalidArgumentError(`unknown field "${s}"; expected ${FIELD_TAGS_HELP}`);
  return s;
}

export function parsePositiveInt(s: string): number {
  const x = Number(s);
  if (!Number.isInteger(x) || x < 0) throw new InvalidArgumentError(`expected a non-negative integer, got "${s}"`);
  return x;
}

export function parseTolerance(s: string): number {
  const x = Number(s);
  if (!Number.isFinite(x) || x < 0) throw new InvalidArgumentError(`expected a non-negative number, got "${s}"`);
  return x;
}
