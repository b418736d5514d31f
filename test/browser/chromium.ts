import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's chromium: the browser the page is tested in. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * Headless flags. WebGL runs on SwiftShader (a CPU implementation of Vulkan) under ANGLE, so the
 * gpu.js WebGL backends are exercised on machines with no GPU; --enable-unsafe-webgpu lets
 * chromium offer a WebGPU adapter on SwiftShader too, which headless chromium otherwise withholds.
 * The network flags keep chromium from reaching out at start (the test machines have no outside network).
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run', '--no-default-browser-check',
];

/** Install Debian's chromium where it is missing (as root, or through sudo), as .ci/run installs its packages. */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  const root = process.getuid?.() === 0;
  const run = (args: string[]) => {
    const [cmd, ...rest] = root ? ['env', 'DEBIAN_FRONTEND=noninteractive', ...args] : ['sudo', 'env', 'DEBIAN_FRONTEND=noninteractive', ...args];
    const r = spawnSync(cmd, rest, { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed (exit ${r.status}); install chromium or set CHROMIUM to a Chromium binary`);
  };
  console.log(`${CHROMIUM} is missing: installing Debian's chromium`);
  run(['apt-get', '-qq', 'update']);
  run(['apt-get', '-qq', 'install', '-y', '--no-install-recommends', 'chromium']);
  if (!existsSync(CHROMIUM)) throw new Error(`chromium installed, but ${CHROMIUM} is not there; set CHROMIUM`);
  return CHROMIUM;
}
