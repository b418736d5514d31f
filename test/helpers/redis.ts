/**
 * A private redis-server for one test file: loopback only, a free port, a random password,
 * append-only persistence in a temporary directory; stopped and removed by stop(). When no
 * redis-server binary exists, `redisMissing` says why the tests that need one are skipped.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function findRedisServer(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

const BINARY = findRedisServer();

/** Why Redis tests are skipped here, or null when they run. */
export const redisMissing: string | null = BINARY ? null : 'no redis-server binary on PATH (apt-get install redis-server)';
if (redisMissing) console.log(`skipping the Redis queue tests: ${redisMissing}`);

export interface TestRedis {
  port: number;
  password: string;
  /** redis://:password@127.0.0.1:port */
  url: string;
  dir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection({ host: '127.0.0.1', port });
    c.once('connect', () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
  });
}

export async function startRedis(): Promise<TestRedis> {
  if (!BINARY) throw new Error(redisMissing!);
  const dir = mkdtempSync(join(tmpdir(), 'stlkit-redis-'));
  const password = randomBytes(12).toString('hex');
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(BINARY, [
      '--bind', '127.0.0.1', '--port', String(port), '--requirepass', password, '--appendonly', 'yes',
      '--dir', dir, '--save', '', '--daemonize', 'no', '--protected-mode', 'yes', '--loglevel', 'warning',
    ], { stdio: 'ignore' });
    let exited = false;
    child.once('exit', () => { exited = true; });
    const t0 = Date.now();
    while (!exited && !(await accepting(port)) && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
    if (!exited) {
      const stop = async () => {
        if (!exited) {
          const gone = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await gone;
        }
        rmSync(dir, { recursive: true, force: true });
      };
      return { port, password, url: `redis://:${password}@127.0.0.1:${port}`, dir, stop };
    }
    // The port was taken between choosing it and binding it: try another.
    if (attempt >= 3) throw new Error('redis-server did not start');
  }
}
