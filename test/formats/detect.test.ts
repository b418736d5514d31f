import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSchemes } from '../../src/formats/registry.ts';
import { runCli } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'stlkit-detect-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('format detection for extensions that do not name a format', () => {
  it('reads a .txt in the flip-graph style through the candidate that recognises it', () => {
    const f = write('222m7.txt', ['(a11+a22)*(b11+b22)*(c11+c22)', '(a21+a22)*(b11)*(c12-c22)', '(a11)*(b12-b22)*(c21+c22)', '(a22)*(-b11+b21)*(c11+c12)', '(a11+a12)*(b22)*(-c11+c21)', '(-a11+a21)*(b11+b12)*(c22)', '(a12-a22)*(b21+b22)*(c11)'].join('\n'));
    const [{ scheme }] = loadSchemes(f);
    expect(scheme.U.length).toBe(7);
  });

  it('reads a certificate of proofs/ as its scheme (so it can start a search)', async () => {
    const proofs = join(dir, 'proofs');
    const r = await runCli(['certify', '--dir', proofs, write('one.json', JSON.stringify({ format: [1, 1, 1], rank: 1, field: 'Z', U: [[1]], V: [[1]], W: [[1]] }))]);
    expect(r.code, r.err).toBe(0);
    const cert = join(proofs, readdirSync(proofs)[0]);
    const [{ scheme }] = loadSchemes(cert);
    expect(scheme.U.length).toBe(1);
    const v = await runCli(['verify', '--explain', cert]);
    expect(v.code).toBe(0);
    expect(v.out).toContain('format: certificate (extension .json with keys "stlkit_certificate" and "scheme")');
  });

  it('says with --explain which importer read a file and why', async () => {
    const f = write('strassen.txt', ['(a11+a22)*(b11+b22)*(c11+c22)', '(a21+a22)*(b11)*(c12-c22)', '(a11)*(b12-b22)*(c21+c22)', '(a22)*(-b11+b21)*(c11+c12)', '(a11+a12)*(b22)*(-c11+c21)', '(-a11+a21)*(b11+b12)*(c22)', '(a12-a22)*(b21+b22)*(c11)'].join('\n'));
    const r = await runCli(['verify', '--explain', f]);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe(`${f}: format: exp (extension .txt: tried exp; exp read it: trace-form product line '(a11+a22)*(b11+b22)*(c11+c22)')`);
    const j = await runCli(['verify', '--explain', '--json', write('s.json', JSON.stringify({ format: [1, 1, 1], rank: 1, field: 'Z', U: [[1]], V: [[1]], W: [[1]] }))]);
    expect(JSON.parse(j.out)[0].detected).toBe('json (extension .json)');
  });

  it('calls a text that no importer recognises not a scheme file', () => {
    const f = write('edges.txt', '9d150efa4361.exp 8af5929f90de.exp\n9d150efa4361.exp e77e03ab9f57.exp\n');
    expect(() => loadSchemes(f)).toThrow(/: not a scheme file: its text matches none of the formats for extension \.txt \(first line '9d150efa4361\.exp 8af5929f90de\.exp'\); tried /);
  });

  it('gives a file no importer recognises one line naming the candidates tried and why each refused', async () => {
    // Recognised as Perminov's .txt by its header, but cut short: every candidate is named.
    const f = write('dense.txt', '2 2 2 7\n1 0 0 1\n');
    expect(() => loadSchemes(f)).toThrow(new RegExp(`^${f.replace(/[.\\]/g, '\\$&')}: no importer recognises it; tried the ones for the extension \\.txt: perminov-txt \\(after the header "2 2 2 7" expected 84 integers .+\\); exp \\(.+\\); pass --from \\(json, `));
    const r = await runCli(['verify', f]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/no importer recognises it; tried .*exp \(/);
  });

  it('keeps a deliberate refusal of a recognised file as it is', () => {
    const f = write('bini222-5-approx', '1 0 x\n');
    expect(() => loadSchemes(f)).toThrow(/border-rank/);
  });
});
