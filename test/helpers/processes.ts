/** Long-running `stlkit` child processes for tests that kill, interrupt and restart them. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './shared.ts';

export interface CliProcess {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  /** Resolves to the exit code (null when killed by a signal). */
  exit: Promise<number | null>;
}

/** Start `node bin/stlkit.js ARGS` without $STLKIT_REDIS_URL (tests pass URLs explicitly). */
export function startCli(args: string[]): CliProcess {
  const env = { ...process.env };
  delete env.STLKIT_REDIS_URL;
  const child = spawn(process.execPath, [join(ROOT, 'bin/stlkit.js'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exit };
}

/** Poll `f` every 100 ms until it is true; fail with `what` after `ms`. */
export async function waitFor(what: string, f: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!(await f())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stop a process with SIGINT (graceful) and wait for it; SIGKILL if it lingers. */
export async function interrupt(p: CliProcess, ms = 15_000): Promise<number | null> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return p.exit;
  p.child.kill('SIGINT');
  const t = setTimeout(() => p.child.kill('SIGKILL'), ms);
  const code = await p.exit;
  clearTimeout(t);
  return code;
}
