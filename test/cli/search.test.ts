import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSchemeJson } from '../../src/formats/json.ts';
import { cyclicInvariance } from '../../src/search/flip/cyclic-check.ts';
import { verifyScheme } from '../../src/verify/index.ts';
import { spawnCli } from '../helpers/cli.ts';
import { ROOT } from '../helpers/shared.ts';

const dir = mkdtempSync(join(tmpdir(), 'stlkit-search-'));
const exactFile = (f: string) => {
  const s = parseSchemeJson(readFileSync(f, 'utf8'), f);
  const r = verifyScheme(s);
  return { s, ok: r.kind === 'exact' && r.exact };
};

describe('stlkit search', () => {
  it('flip over Z2 reaches <3,3,3>:23 and writes a verified scheme', () => {
    const out = join(dir, 'z2.json');
    const r = spawnCli(['search', 'flip', '--format', '3,3,3', '--field', 'Z2', '--target-rank', '23', '--seed', '1', '--workers', '1', '--time-limit', '60', '-o', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/seed 1/);
    const { s, ok } = exactFile(out);
    expect(ok).toBe(true);
    expect(s.fieldTag).toBe('Z2');
    expect(s.U.length).toBeLessThanOrEqual(23);
  }, 90_000);

  it('flip over Z lifts to an integer or rational scheme', () => {
    const out = join(dir, 'z.json');
    const r = spawnCli(['search', 'flip', '--format', '2,2,2', '--field', 'Z', '--target-rank', '7', '--seed', '3', '--workers', '1', '--time-limit', '60', '-o', out]);
    expect(r.code, r.err).toBe(0);
    const { s, ok } = exactFile(out);
    expect(ok).toBe(true);
    expect(['Z', 'Q']).toContain(s.fieldTag);
  }, 90_000);

  it('flip over ZT (plain walkers and --pool) writes a ternary integer scheme, exact over Z', () => {
    for (const extra of [[], ['--pool', '4']]) {
      const out = join(dir, `zt${extra.length}.json`);
      const r = spawnCli(['search', 'flip', '--format', '2,2,3', '--field', 'ZT', '--target-rank', '11', '--seed', '1', '--workers', '1', '--time-limit', '60', ...extra, '-o', out]);
      expect(r.code, r.err).toBe(0);
      const { s, ok } = exactFile(out);
      expect(ok).toBe(true);
      expect(s.fieldTag).toBe('Z');
      expect(s.U.length).toBe(11);
      for (const M of [s.U, s.V, s.W]) for (const row of M) for (const x of row) expect(['-1', '0', '1']).toContain(s.field.toString(x));
    }
  }, 120_000);

  it('flip --field ZT --via Z2 walks over Z2 and keeps a sign lift, ternary and exact over Z', () => {
    const out = join(dir, 'zt-via.json');
    const r = spawnCli(['search', 'flip', '--format', '2,2,3', '--field', 'ZT', '--via', 'Z2', '--target-rank', '11', '--seed', '1', '--workers', '1', '--time-limit', '60', '-o', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/lift attempt\(s\)/);
    const { s, ok } = exactFile(out);
    expect(ok).toBe(true);
    expect(s.fieldTag).toBe('Z');
    expect(s.U.length).toBe(11);
    for (const M of [s.U, s.V, s.W]) for (const row of M) for (const x of row) expect(['-1', '0', '1']).toContain(s.field.toString(x));
    expect(String(s.meta.source)).toContain('--field ZT --via Z2');
    const bad = spawnCli(['search', 'flip', '--format', '2,2,2', '--field', 'Z', '--via', 'Z2', '--target-rank', '7']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--via Z2 is for --field ZT/);
  }, 90_000);

  it('flip over Z3 writes a scheme over Z3; --pool with --field Z is refused', () => {
    const out = join(dir, 'z3.json');
    const r = spawnCli(['search', 'flip', '--format', '2,2,2', '--field', 'Z3', '--target-rank', '7', '--seed', '2', '--workers', '1', '--time-limit', '60', '-o', out]);
    expect(r.code, r.err).toBe(0);
    const { s, ok } = exactFile(out);
    expect(ok).toBe(true);
    expect(s.fieldTag).toBe('Z3');
    const bad = spawnCli(['search', 'flip', '--format', '2,2,2', '--field', 'Z', '--pool', '4', '--target-rank', '7']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--pool searches over Z2, ZT or Z3/);
  }, 120_000);

  it('exits 1 and writes nothing when the time runs out', () => {
    const out = join(dir, 'none.json');
    const r = spawnCli(['search', 'flip', '--format', '2,2,2', '--target-rank', '6', '--seed', '1', '--workers', '1', '--time-limit', '2', '-o', out]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no scheme of rank ≤ 6/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('a search killed with SIGKILL resumes from its checkpoint', async () => {
    const ck = join(dir, 'ck.json');
    // <4,4,4> to rank 40 is out of reach: the search runs until it is killed.
    const args = ['search', 'flip', '--format', '4,4,4', '--target-rank', '40', '--seed', '5', '--workers', '1', '--time-limit', '120', '--checkpoint', ck, '--checkpoint-every', '1'];
    const child = spawn(process.execPath, [join(ROOT, 'bin/stlkit.js'), ...args], { stdio: 'ignore' });
    const t0 = Date.now();
    while (!existsSync(ck) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const saved = JSON.parse(readFileSync(ck, 'utf8'));
    expect(saved.engine).toBe('flip');
    const flipsAtKill = saved.workers[0].counters.flips;
    const bestAtKill = saved.workers[0].counters.bestRank;
    expect(flipsAtKill).toBeGreaterThan(0);
    expect(bestAtKill).toBeLessThan(64);
    // Resume for a short while: it starts from the saved walk, not from scratch.
    const elapsed = saved.elapsedMs / 1000;
    const r = spawnCli(['search', 'flip', '--format', '4,4,4', '--target-rank', '40', '--seed', '5', '--time-limit', String(Math.ceil(elapsed + 3)), '--checkpoint', ck, '--checkpoint-every', '1', '--resume', ck]);
    expect(r.err).toMatch(new RegExp(`resuming .*ck\\.json .*${flipsAtKill} flips, best rank ${bestAtKill}`));
    const after = JSON.parse(readFileSync(ck, 'utf8'));
    expect(after.workers[0].counters.flips).toBeGreaterThan(flipsAtKill);
    expect(after.workers[0].counters.bestRank).toBeLessThanOrEqual(bestAtKill);
    expect(after.elapsedMs).toBeGreaterThan(saved.elapsedMs);
    // A checkpoint from a different search is refused.
    const wrong = spawnCli(['search', 'flip', '--format', '4,4,4', '--target-rank', '40', '--seed', '6', '--resume', ck]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/seed = 5, but this search has seed = 6/);
  }, 120_000);

  it('als finds an exact <2,2,2>:7 over Q', () => {
    const out = join(dir, 'als.json');
    const r = spawnCli(['search', 'als', '--format', '2,2,2', '--rank', '7', '--field', 'Q', '--seed', '1', '--time-limit', '60', '-o', out]);
    expect(r.code, r.err).toBe(0);
    expect(exactFile(out).ok).toBe(true);
  }, 90_000);

  it('flip --symmetry cyclic writes a verified <3,3,3>:23 invariant under the cyclic Z3 action', () => {
    const out = join(dir, 'cyclic.json');
    const r = spawnCli(['search', 'flip', '--format', '3,3,3', '--field', 'Z2', '--symmetry', 'cyclic', '--target-rank', '23', '--seed', '1', '--workers', '1', '--time-limit', '60', '-o', out]);
    expect(r.code, r.err).toBe(0);
    const m = /invariant under the cyclic Z3 action: yes \((\d+) orbits \+ (\d+) fixed\)/.exec(r.out);
    expect(m, r.out).not.toBeNull();
    const { s, ok } = exactFile(out);
    expect(ok).toBe(true);
    expect(s.fieldTag).toBe('Z2');
    expect(s.U.length).toBeLessThanOrEqual(23);
    // Checked again here from the file alone.
    const inv = cyclicInvariance(s);
    expect(inv.invariant).toBe(true);
    expect([inv.orbits, inv.fixed]).toEqual([Number(m![1]), Number(m![2])]);
    expect(3 * inv.orbits + inv.fixed).toBe(s.U.length);
  }, 90_000);

  it('--symmetry cyclic is refused, exit 2, on a non-square format or over Z', () => {
    const a = spawnCli(['search', 'flip', '--format', '2,3,4', '--symmetry', 'cyclic', '--target-rank', '20']);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/square format <n,n,n>, not <2,3,4>/);
    const b = spawnCli(['search', 'flip', '--format', '3,3,3', '--field', 'Z', '--symmetry', 'cyclic', '--target-rank', '23']);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/over Z2 only/);
    const c = spawnCli(['search', 'als', '--format', '2,2,2', '--rank', '7', '--symmetry', 'cyclic', '--fixed', '2']);
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/not 3·orbits \+ 2 fixed/);
  }, 60_000);

  it('als --symmetry cyclic finds an exact invariant <2,2,2>:7 (2 orbits + 1 fixed)', () => {
    const out = join(dir, 'als-cyclic.json');
    const r = spawnCli(['search', 'als', '--format', '2,2,2', '--rank', '7', '--symmetry', 'cyclic', '--seed', '1', '--time-limit', '60', '-o', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/invariant under the cyclic Z3 action: yes \(2 orbits \+ 1 fixed\)/);
    const { s, ok } = exactFile(out);
    expect(ok).toBe(true);
    expect(cyclicInvariance(s)).toEqual({ invariant: true, orbits: 2, fixed: 1 });
  }, 90_000);

  it('a cyclic search resumes from its checkpoint, and a plain search refuses that checkpoint', () => {
    const ck = join(dir, 'cyclic-ck.json');
    // No invariant <2,2,2> of rank 6 exists: the walk runs out of time and checkpoints.
    const base = ['search', 'flip', '--format', '2,2,2', '--symmetry', 'cyclic', '--target-rank', '6', '--seed', '4', '--workers', '1', '--checkpoint', ck];
    const a = spawnCli([...base, '--time-limit', '2']);
    expect(a.code, a.err).toBe(1);
    const saved = JSON.parse(readFileSync(ck, 'utf8'));
    expect(saved.engine).toBe('flip-cyclic');
    const flips = saved.workers[0].counters.flips;
    expect(flips).toBeGreaterThan(0);
    const b = spawnCli([...base, '--time-limit', String(Math.ceil(saved.elapsedMs / 1000) + 2), '--resume', ck]);
    expect(b.code).toBe(1);
    expect(b.err).toMatch(new RegExp(`resuming .*cyclic-ck\\.json .*${flips} flips, best rank 7`));
    expect(JSON.parse(readFileSync(ck, 'utf8')).workers[0].counters.flips).toBeGreaterThan(flips);
    const c = spawnCli(['search', 'flip', '--format', '2,2,2', '--target-rank', '6', '--seed', '4', '--resume', ck]);
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/"flip-cyclic" search, not "flip"/);
  }, 60_000);
});
