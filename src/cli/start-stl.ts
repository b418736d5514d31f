import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { generate, targetNamed, writeGenerated } from '../codegen/index.ts';
import { schemeToJson } from '../formats/json.ts';
import type { Scheme } from '../scheme/index.ts';
import { checkRounding, describeRounding } from '../stl/rounding-check.ts';
import { certifiedError } from '../universal/index.ts';
import { kappaForBf16Error, universalSearchWithinBf16Error } from '../universal/roundingbound.ts';
import { writeFileAtomic } from '../util/atomic.ts';

/**
 * The STL half of `stlkit main`: a conditioned universal encoder for t = 4, its PyTorch export and
 * its Triton and CUDA kernels (the CUDA compiled for sm_90a where nvcc is on the PATH), each step
 * the same library call its verb makes (universal, export pytorch, codegen).
 */
export interface StlWalkOptions {
  out: string;
  seed: number;
  t: number;
  r: number;
  timeLimitMs: number;
  /** Bound on the predicted unfused bf16 rounding error, as `stlkit universal` uses by default. */
  maxBf16Error: number;
}

export interface StlWalkStep {
  step: string;
  result: string;
  /** Files written by the step. */
  files: string[];
}

export function stlWalk(o: StlWalkOptions, log: (line: string) => void): StlWalkStep[] {
  const steps: StlWalkStep[] = [];
  const { t, r } = o;
  log(`universal <${t},${t},${t}> rank ${r}: seed ${o.seed}, ${o.timeLimitMs / 1000} s, κ ≤ ${kappaForBf16Error(o.maxBf16Error).toPrecision(3)} (predicted unfused bf16 error ≤ ${100 * o.maxBf16Error} %)`);
  // The search `stlkit universal` runs by default: the simulated error of the winner is checked too.
  const { res, low, maxKappa } = universalSearchWithinBf16Error({ t, r, seed: o.seed, timeLimitMs: o.timeLimitMs }, o.maxBf16Error);
  const scheme = { ...res.best.scheme, meta: { ...res.best.scheme.meta, ...low, maxKappa, seed: o.seed } } as Scheme<unknown>;
  const cert = certifiedError(scheme);
  const schemeFile = join(o.out, `universal-t${t}-r${r}.json`);
  writeFileAtomic(schemeFile, schemeToJson(scheme));
  steps.push({
    step: 'universal',
    result: `<${t},${t},${t}>:${r} over ${scheme.fieldTag}, isotropic error ${cert.text} (t³/r = ${(t ** 3 / r).toFixed(2)}), κ ${low.kappa.toPrecision(3)}, simulated bf16 error ${(100 * low.bf16Unfused).toFixed(2)} % unfused / ${(100 * low.bf16Fused).toFixed(2)} % fused; ${res.tasks} refinements`,
    files: [schemeFile],
  });

  const pkgDir = join(o.out, 'stl_pt');
  const pt = generate('pytorch', scheme, t, { dtype: 'bf16', source: schemeFile });
  const ptFiles = writeGenerated(pkgDir, pt.files, true);
  const rounding = checkRounding(scheme, 'bf16', targetNamed('pytorch')!.lowPrecision!.storeProducts);
  steps.push({ step: 'export pytorch', result: `package ${pkgDir} (${ptFiles.length} files: STLLinear, convert_linears); ${describeRounding(rounding)}`, files: [pkgDir] });

  const kernels: string[] = [];
  for (const [target, ext] of [['triton', 'py'], ['cuda', 'cu']] as const) {
    const file = join(o.out, `stl_t${t}_r${r}.${ext}`);
    writeGenerated(file, generate(target, scheme, t, { dtype: 'bf16', source: schemeFile }).files, false);
    kernels.push(file);
  }
  steps.push({ step: 'codegen', result: `Triton module and CUDA source (bf16, fp32 accumulate)`, files: kernels });

  const cu = kernels[1];
  const nvcc = spawnSync('nvcc', ['--version'], { encoding: 'utf8' });
  if (nvcc.status !== 0) steps.push({ step: 'nvcc', result: 'not on the PATH: the CUDA source was not compiled', files: [] });
  else {
    const obj = `${cu}.o`;
    const c = spawnSync('nvcc', ['-std=c++17', '-gencode=arch=compute_90a,code=sm_90a', '-c', cu, '-o', obj], { encoding: 'utf8' });
    steps.push(c.status === 0
      ? { step: 'nvcc', result: `compiled for sm_90a (Hopper)`, files: [obj] }
      : { step: 'nvcc', result: `FAILED: ${(c.stderr || c.stdout).trim().split('\n')[0]}`, files: [] });
  }
  return steps;
}
