import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/formats/errors.ts';
import { parseSlp } from '../../src/formats/slp.ts';

const enc = (s: string) => new TextEncoder().encode(s);
/** The result as a dense matrix of "p/q" strings, for readable expectations. */
function dense(text: string): string[][] {
  const { rows, cols, entries } = parseSlp(enc(text), 'prog.slp');
  const M = Array.from({ length: rows }, () => Array.from({ length: cols }, () => '0'));
  for (const e of entries) M[e.row][e.col] = e.v.toFraction();
  return M;
}

function fails(text: string, line: number | '', problem: RegExp): void {
  let err: unknown;
  try {
    parseSlp(enc(text), 'bad.slp');
  } catch (e) {
    err = e;
  }
  expect(err, text).toBeInstanceOf(InputError);
  const e = err as InputError;
  expect(e.file).toBe('bad.slp');
  expect(e.where).toBe(line === '' ? '' : `line ${line}`);
  expect(e.problem).toMatch(problem);
}

describe('parseSlp', () => {
  it('evaluates a small program to its matrix (outputs in any order, temporaries, comments)', () => {
    const prog = '# Winograd-like L\nt0:=i0-i2;\n\no1:=i3+t0;  # trailing comment\no0:=-t0;\no2:=i1;\n';
    expect(dense(prog)).toEqual([
      ['-1', '0', '1', '0'],
      ['1', '0', '-1', '1'],
      ['0', '1', '0', '0'],
    ]);
    const m = parseSlp(enc(prog), 'prog.slp');
    expect(m.entries.map((e) => [e.row, e.col])).toEqual([[0, 0], [0, 2], [1, 0], [1, 2], [1, 3], [2, 1]]);
  });

  it('reuses an output on the right-hand side, and reassignment takes the last value', () => {
    expect(dense('o1:=i0+i1;\no0:=o1-i1;\nt:=i0;\nt:=t+t;\no2:=t;')).toEqual([
      ['1', '0'],
      ['1', '1'],
      ['2', '0'],
    ]);
  });

  it('is exact with division, constant factors, decimals and nested signs', () => {
    expect(dense('o0:=(i0+i1)/2;\no1:=o0-i1;\no2:=i0*2-3*i1+(i2-i0)*1/4;\no3:=-(-i2)/(6/4);\no4:=0.25*i0;\no5:=0;')).toEqual([
      ['1/2', '1/2', '0'],
      ['1/2', '-1/2', '0'],
      ['7/4', '-3', '1/4'],
      ['0', '0', '2/3'],
      ['1/4', '0', '0'],
      ['0', '0', '0'],
    ]);
    // Exact where binary floating point is not: 1/3 + 1/3 + 1/3 is exactly 1.
    expect(dense('t:=i0/3;\no0:=t+t+t-i0;\no1:=i0/10*3;')).toEqual([['0'], ['3/10']]);
  });

  it('cancelled terms leave no zero entries; cols counts every input read', () => {
    const m = parseSlp(enc('o0:=i0+i4-i4;'), 'p.slp');
    expect(m).toMatchObject({ rows: 1, cols: 5 });
    expect(m.entries.map((e) => e.col)).toEqual([0]);
    expect(parseSlp(enc('o0:=i0;\r\no1:=i1;\r\n'), 'crlf.slp').rows).toBe(2);
  });

  it('refuses non-linear programs, bad division and undefined names', () => {
    fails('t:=i0+i1;\no0:=t*i2;', 2, /multiplies two variables/);
    fails('o0:=i0;\no1:=(i0+1)*(i1-1);', 2, /multiplies two variables/);
    fails('o0:=i0/i1;', 1, /divides by a variable/);
    fails('o0:=i0;\n\no1:=i1/(2-2);', 3, /divides by zero/);
    fails('o0:=i0/0;', 1, /divides by zero/);
    fails('o0:=i0+x3;', 1, /uses x3 before it is assigned/);
    fails('o0:=o1+i0;\no1:=i1;', 1, /uses o1 before it is assigned/);
    fails('o0:=i0+1;', 1, /constant term 1/);
  });

  it('refuses a gap in the outputs, and a program with none', () => {
    fails('o0:=i0;\no2:=i1;\nt:=i2;', 2, /assigns o2 but never o1/);
    fails('t:=i0;', '', /no output/);
    fails('', '', /no output/);
  });

  it('refuses malformed lines, naming the line', () => {
    fails('o0:=i0;\no1 = i1;', 2, /no ":="/);
    fails('o0:=i0', 1, /no ";"/);
    fails('o0:=i0; o1:=i1;', 1, /text after the ";"/);
    fails('o0:=;', 1, /expression is empty/);
    fails('o0:=i0+;', 1, /found the end of the expression/);
    fails('o0:=(i0+i1;', 1, /expected "\)"/);
    fails('o0:=i0);', 1, /unexpected "\)"/);
    fails('o0:=2 i0;', 1, /unexpected "i0"/);
    fails('o0:=i0^2;', 1, /unexpected "\^"/);
    fails('o0:=i0%i1;', 1, /unexpected "%"/);
    fails('2x:=i0;', 1, /"2x" is not a variable name/);
    fails('a=b:=i0;', 1, /"a=b" is not a variable name/);
    fails('i3:=i0;', 1, /inputs are read-only/);
  });
});
