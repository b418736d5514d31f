import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { codegenOperator, type CodegenDtype } from '../../src/codegen/index.ts';
import { generateCuda } from '../../src/codegen/targets/cuda.ts';
import { generateTriton } from '../../src/codegen/targets/triton.ts';
import { placeholderScheme } from '../../src/library/placeholder.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import type { Scheme } from '../../src/scheme/index.ts';
import { scratch, writeIn } from './helpers.ts';

const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;
const hasNvcc = has('nvcc', ['--version']);
const hasPython = has('python3', ['--version']);
const dir = scratch('compile');

const schemes: [string, Scheme<unknown>, number][] = [
  ['placeholder-4-24', placeholderScheme(4, 24) as Scheme<unknown>, 4],
  ['strassen2-4-49', builtinScheme('strassen2'), 4],
  ['strassen-2-7', builtinScheme('strassen'), 2],
];

describe.skipIf(!hasNvcc)('codegen cuda: the generated .cu compiles for sm_90a', () => {
  const cases: [string, Scheme<unknown>, number, CodegenDtype][] = [
    ...schemes.map(([n, s, t]) => [n, s, t, 'bf16'] as [string, Scheme<unknown>, number, CodegenDtype]),
    ['placeholder-4-24-fp16', schemes[0][1], 4, 'fp16'],
  ];
  for (const [name, s, t, dtype] of cases) {
    it(`${name} (${dtype})`, () => {
      const file = writeIn(dir, `${name}-${dtype}.cu`, generateCuda(codegenOperator(s, t), { dtype }));
      const r = spawnSync('nvcc', ['-std=c++17', '-gencode=arch=compute_90a,code=sm_90a', '-c', file, '-o', `${file}.o`, '-Xptxas', '-v'], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      // ptxas reports each kernel; the fused kernel must not spill to local memory.
      const fused = r.stderr.split(/Compiling entry function/).find((x) => x.includes('stl_fused_kernel')) ?? '';
      expect(fused).toMatch(/0 bytes spill stores, 0 bytes spill loads/);
    }, 60_000);
  }
});

describe.skipIf(!hasPython)('codegen triton: the generated module py_compiles', () => {
  for (const [name, s, t] of schemes) {
    it(name, () => {
      const op = codegenOperator(s, t);
      const file = writeIn(dir, `${name.replace(/-/g, '_')}.py`, generateTriton(op, { dtype: 'bf16' }));
      const r = spawnSync('python3', ['-m', 'py_compile', file], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      // The baked coefficient tables read back as the operator's (parsed by Python's own literal parser).
      const py = `import ast,json,sys\nsrc=open(sys.argv[1]).read()\nm=ast.parse(src)\nv={t.targets[0].id: ast.literal_eval(t.value) for t in m.body if isinstance(t, ast.Assign) and isinstance(t.targets[0], ast.Name) and t.targets[0].id in ('T','R','E_X','E_W','D')}\nprint(json.dumps(v))`;
      const back = JSON.parse(spawnSync('python3', ['-c', py, file], { encoding: 'utf8' }).stdout);
      expect(back.T).toBe(t);
      expect(back.R).toBe(op.r);
      expect(back.E_X).toEqual(op.EX);
      expect(back.E_W).toEqual(op.EW);
      expect(back.D).toEqual(op.D);
    });
  }
});

describe('codegen triton --product-dtype fp8-e4m3', () => {
  it('adds the FP8 kernel and wrappers, leaves the bf16 module as it was, and py_compiles', () => {
    const op = codegenOperator(builtinScheme('strassen2'), 4);
    const plain = generateTriton(op, { dtype: 'bf16' });
    const fp8 = generateTriton(op, { dtype: 'bf16', productDtype: 'fp8-e4m3' });
    expect(plain).not.toMatch(/fp8/i);
    expect(fp8.startsWith(plain)).toBe(true);
    for (const name of ['def _fused_fp8_kernel(Xh, Wh, Sx, Sw, Dp', 'def quantize_fp8', 'def encode_weights_fp8', 'def stl_fp8_unfused', 'def stl_fp8_fused', 'torch._scaled_mm']) expect(fp8).toContain(name);
    // The scale is applied once per product in both loop forms, and Ŵ is read transposed.
    expect(fp8.match(/acc = acc \* \(tl\.load\(Sx \+ l\) \* tl\.load\(Sw \+ l\)\)/g)).toHaveLength(2);
    expect(fp8.match(/j\[None, :\] \* GN \+ k\[:, None\]/g)).toHaveLength(2);
    // Strassen⊗Strassen: κ 4, so the model puts its FP8 error near 15 %.
    const model = Number(/^FP8_MODEL_ERROR = ([\d.e-]+)$/m.exec(fp8)![1]);
    expect(model).toBeGreaterThan(0.13);
    expect(model).toBeLessThan(0.17);
    if (hasPython) {
      const file = writeIn(dir, 'strassen2_fp8.py', fp8);
      const r = spawnSync('python3', ['-m', 'py_compile', file], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
  });
});
