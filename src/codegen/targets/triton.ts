import { headerLines, type CodegenOperator } from '../operator.ts';
import type { CodegenOptions } from '../options.ts';
import type { Target } from '../registry.ts';
import { decodeAccumulate, encodeStores, foldLines, loadTiles, powerOfTwo, pyMatrix, storeTiles } from './triton-lines.ts';
import { fp8Section } from './triton-fp8.ts';

/**
 * Fused-kernel block shapes in tile units, tried in this order by the harness (the first is the
 * default). The kernel keeps the t² decoded output tiles of a BM×BN block in registers (t²·BM·BN
 * fp32), which caps BM·BN: for t = 2 and 4 the list is what bench/gpu/diag_fused.py measured best on
 * an H100 (some spill a little and are still faster than smaller tiles); other t get the same
 * register budget by formula.
 */
export function fusedConfigs(t: number): Record<string, number | boolean>[] {
  const cfg = (BM: number, BN: number, num_warps: number, num_stages = 3) => ({ BM, BN, BK: 64, num_warps, num_stages });
  if (t === 4) return [cfg(64, 64, 8), cfg(64, 32, 4), cfg(64, 32, 8)];
  if (t === 2) return [cfg(128, 64, 8), cfg(64, 64, 4), cfg(128, 128, 8)];
  const t2 = t * t;
  const budget = Math.max(256, 2 ** Math.floor(Math.log2(32768 / t2)));
  const BN = Math.max(16, 2 ** Math.floor(Math.log2(Math.sqrt(budget))));
  const BM = Math.max(16, budget / BN);
  return [cfg(BM, BN, 8), cfg(Math.max(16, BM / 2), BN, 4)];
}

/** `stlkit codegen triton`: a Python module with a torch reference and Triton encode/decode/fused kernels. */
export const tritonTarget: Target = {
  name: 'triton',
  extension: '.py',
  description: 'Python module',
  package: false,
  lowPrecision: { storeProducts: true },
  generate: (op, o) => [{ path: 'stl.py', contents: generateTriton(op, o) }],
};

/** The module: its parts in order (prologue, torch reference, encode, decode, products, launch). */
export function generateTriton(op: CodegenOperator, o: CodegenOptions): string {
  const parts = [prologue(op, o), TORCH_REFERENCE, encodeKernel(op), decodeKernel(op), fusedKernel(op), LAUNCH];
  if (o.productDtype === 'fp8-e4m3') parts.push(fusedKernel(op, true), fp8Section(op));
  return parts.join('\n\n\n');
}

const I4 = '    ', I8 = '        ';

/** Docstring, imports, the scheme's constants and coefficient tables, the fused kernel's configs. */
function prologue(op: CodegenOperator, o: CodegenOptions): string {
  const { t, r } = op;
  const tdt = o.dtype === 'fp16' ? 'torch.float16' : 'torch.bfloat16';
  const p2 = powerOfTwo(t);
  const doc = headerLines(op, 'triton', o.dtype).map((l) => l.replace(/\\/g, '/')).join('\n');
  return `"""${doc}

Contents
  E_X, E_W, D          the coefficients (float64 values as Python floats)
  encode_weights(W)    Ŵ, offline, in plain torch (computed in float32, stored in W's dtype)
  stl_reference(X, W)  pure-torch STL in any dtype (float64 for checking)
  stl_torch(X, Wh)     plain PyTorch STL (reshape/permute, encode matmul, bmm, decode): a baseline
  encode_x(X)          Triton: row-major X → X̂ (r, M/t, N/t), E_X baked in as constants
  decode(Zh)           Triton: Ẑ (r, M/t, P/t) → row-major Z, D baked in as constants
  fused_gemm(Xh, Wh)   Triton: the r products with the decode fused into the epilogue; Ẑ never
                       reaches memory. D is passed as a small tensor because the kernel loops over
                       the r products at run time (one pipelined K loop instead of r copies)
  stl_unfused(X, Wh)   encode_x → torch.bmm (cuBLAS) → decode
  stl_fused(X, Wh)     encode_x → fused_gemm
Not yet: the encode fused into the fused kernel's operand load (X̂ is written once by encode_x).
"""
import torch
import triton
import triton.language as tl

T = ${t}
R = ${r}
DTYPE = ${tdt}
EXACT = ${op.exact ? 'True' : 'False'}
ISOTROPIC_ERROR = ${Number.isFinite(op.isotropicError) ? op.isotropicError : 'float("nan")'}
OPERATOR_SHA256 = "${op.hash}"
SCHEME = ${JSON.stringify(op.name)}

# E_X[l][q], E_W[l][q] (r × t²) and D[q][l] (t² × r); q = a·t + b is position (a, b) in a tile.
E_X = ${pyMatrix(op.EX)}
E_W = ${pyMatrix(op.EW)}
D = ${pyMatrix(op.D)}

# Block shapes tried for the fused kernel (tile units); FLAT/JOINED pick loop and epilogue forms.
FUSED_CONFIGS = ${JSON.stringify(fusedConfigs(t).map((c) => ({ ...c, GROUP_M: 8 })))}
INTERLEAVE_OK = ${p2 ? 'True' : 'False'}  # JOINED / SPLIT need t a power of two


def coefficients(device="cuda", dtype=torch.float32):
    """E_X (r×t²), E_W (r×t²), D (t²×r) as tensors."""
    return tuple(torch.tensor(m, dtype=dtype, device=device) for m in (E_X, E_W, D))`;
}

/** Pure-torch STL (reference and baseline), independent of the scheme but for its tables. */
const TORCH_REFERENCE = `# ---------------------------------------------------------------- pure torch ---------------------
def encode_tiles_torch(A, E):
    """(r, M/t, N/t): entry [l, i, k] = Σ_q E[l, q]·A[t·i + q//t, t·k + q%t], in A's dtype."""
    M, N = A.shape
    tiles = A.reshape(M // T, T, N // T, T).permute(0, 2, 1, 3).reshape(M // T, N // T, T * T)
    return torch.einsum("lq,ikq->lik", E.to(A.dtype), tiles).contiguous()


def decode_tiles_torch(Zh, Dm):
    """Row-major Z from Ẑ (r, M/t, P/t): Z[t·i + q//t, t·j + q%t] = Σ_l D[q, l]·Ẑ[l, i, j]."""
    _, GM, GP = Zh.shape
    Z = torch.einsum("ql,lij->ijq", Dm.to(Zh.dtype), Zh)
    return Z.reshape(GM, GP, T, T).permute(0, 2, 1, 3).reshape(GM * T, GP * T)


def encode_weights(W, dtype=None):
    """Offline: Ŵ (r, N/t, P/t) = E_W applied to every t×t tile of W, in float32, stored as dtype."""
    _, EW, _ = coefficients(W.device, torch.float32)
    return encode_tiles_torch(W.float(), EW).to(dtype or W.dtype).contiguous()


def stl_reference(X, W, dtype=torch.float64):
    """STL(X, W) with every step in dtype (float64: the reference the kernels are checked against)."""
    EX, EW, Dm = coefficients(X.device, dtype)
    return decode_tiles_torch(torch.bmm(encode_tiles_torch(X.to(dtype), EX), encode_tiles_torch(W.to(dtype), EW)), Dm)


def stl_torch(X, Wh):
    """Plain PyTorch STL in X's dtype: tile permute + encode matmul, bmm, decode matmul + permute."""
    EX, _, Dm = coefficients(X.device, X.dtype)
    return decode_tiles_torch(torch.bmm(encode_tiles_torch(X, EX), Wh), Dm)`;

/** Stage 1: the X encode kernel, E_X baked in; SPLIT loads tile rows contiguously (t a power of 2). */
function encodeKernel(op: CodegenOperator): string {
  const { t } = op;
  const t2 = t * t;
  const p2 = powerOfTwo(t);
  return `# ---------------------------------------------------------------- Triton kernels -----------------
@triton.jit
def _encode_x_kernel(X, Xh, GM, GN, ld, BI: tl.constexpr, BJ: tl.constexpr, SPLIT: tl.constexpr):
    """Stage 1, encode: a BI×BJ block of tiles of X → r planes of X̂ (E_X baked in)."""
    pid_i = tl.program_id(0)
    pid_j = tl.program_id(1)
    i = pid_i * BI + tl.arange(0, BI)
    j = pid_j * BJ + tl.arange(0, BJ)
    mask = (i[:, None] < GM) & (j[None, :] < GN)
    plane = GM * GN
    dst = Xh + i[:, None] * GN + j[None, :]
    zero = tl.zeros((BI, BJ), tl.float32)
    # Load the ${t2} entries x_q of every tile in the block (q = a·${t} + b).
    if SPLIT:
        c = pid_j * (${t} * BJ) + tl.arange(0, ${t} * BJ)
        src_row = X + (${t} * i)[:, None] * ld + c[None, :]
        mask_row = (i[:, None] < GM) & (c[None, :] < ${t} * GN)
${p2 ? loadTiles(op, true, I8).join('\n') : `${I8}tl.static_assert(False, "SPLIT needs t a power of two")`}
    else:
        src = X + (${t} * i)[:, None] * ld + (${t} * j)[None, :]
${loadTiles(op, false, I8).join('\n')}
    # X̂_l = Σ_q E_X[l, q]·x_q, one plane per product.
${encodeStores(op.EX, I4).join('\n')}`;
}

/** Stage 3: the decode kernel, D baked in; JOINED stores output rows contiguously (t a power of 2). */
function decodeKernel(op: CodegenOperator): string {
  const { t } = op;
  const p2 = powerOfTwo(t);
  return `@triton.jit
def _decode_kernel(Zh, Z, GM, GP, ldz, BI: tl.constexpr, BJ: tl.constexpr, JOINED: tl.constexpr):
    """Stage 3, decode: r planes of Ẑ → a BI×BJ block of t×t output tiles of row-major Z (D baked in)."""
    pid_i = tl.program_id(0)
    pid_j = tl.program_id(1)
    i = pid_i * BI + tl.arange(0, BI)
    j = pid_j * BJ + tl.arange(0, BJ)
    mask = (i[:, None] < GM) & (j[None, :] < GP)
    plane = GM * GP
    src = Zh + i[:, None] * GP + j[None, :]
    zero = tl.zeros((BI, BJ), tl.float32)
    # z_q = Σ_l D[q, l]·Ẑ_l: each product is read once and added into the t² outputs it feeds.
${decodeAccumulate(op, I4).join('\n')}
    if JOINED:
        # Interleave the t outputs of each tile row so that every output row is one contiguous store.
        c = pid_j * (${t} * BJ) + tl.arange(0, ${t} * BJ)
        out_row = Z + (${t} * i)[:, None] * ldz + c[None, :]
        omask_row = (i[:, None] < GM) & (c[None, :] < ${t} * GP)
${p2 ? storeTiles(t, true, I8, 'BI', 'BJ').join('\n') : `${I8}tl.static_assert(False, "JOINED needs t a power of two")`}
    else:
        out = Z + (${t} * i)[:, None] * ldz + (${t} * j)[None, :]
        omask = mask
${storeTiles(t, false, I8, 'BI', 'BJ').join('\n')}`;
}

/** Stages 2 and 3 fused: the r products with the decode folded into the epilogue; D read at run time. */
function fusedKernel(op: CodegenOperator, fp8 = false): string {
  const { t } = op;
  // FP8: Ŵ planes stored transposed (P/t × N/t), each product's accumulator scaled by Sx[l]·Sw[l].
  const name = fp8 ? '_fused_fp8_kernel(Xh, Wh, Sx, Sw, Dp' : '_fused_kernel(Xh, Wh, Dp';
  const pad = ' '.repeat(name.indexOf('(') + 5);
  const bPtr = fp8 ? 'b_ptr = Wh + l * GN * GP + j[None, :] * GN + k[:, None]' : 'b_ptr = Wh + l * GN * GP + k[:, None] * GP + j[None, :]';
  const scale = (ind: string) => (fp8 ? `${ind}acc = acc * (tl.load(Sx + l) * tl.load(Sw + l))\n` : '');
  const doc = fp8 ? '\n    FP8 operands (float8_e4m3fn, Ŵ planes transposed); product l is scaled by Sx[l]·Sw[l] before the fold.' : '';
  const t2 = t * t;
  const p2 = powerOfTwo(t);
  const zeros = (n: number, ind: string) => Array.from({ length: n }, (_, q) => `${ind}z${q} = tl.zeros((BM, BN), tl.float32)`);
  return `@triton.jit
def ${name}, Z, GM, GN, GP, R, ldz,
${pad}BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr, GROUP_M: tl.constexpr,
${pad}FLAT: tl.constexpr, JOINED: tl.constexpr, EVEN: tl.constexpr, FOLD: tl.constexpr):
    """Stage 2+3 fused: for a BM×BN block of tile positions, acc_l = X̂_l[rows, :] @ Ŵ_l[:, cols]
    (tl.dot, fp32 accumulate: wgmma on Hopper) for l = 0..r-1, folded at once into the t² decoded
    outputs z_q += D[q, l]·acc_l held in registers; Z is written once, row-major. Ẑ never exists.${doc}"""
    pid = tl.program_id(0)
    # Grouped ordering: GROUP_M block rows share the Ŵ columns they read while they are in L2.
    num_m = tl.cdiv(GM, BM)
    num_n = tl.cdiv(GP, BN)
    group = GROUP_M * num_n
    first_m = (pid // group) * GROUP_M
    size_m = min(num_m - first_m, GROUP_M)
    pid_m = first_m + ((pid % group) % size_m)
    pid_n = (pid % group) // size_m
    i = pid_m * BM + tl.arange(0, BM)
    j = pid_n * BN + tl.arange(0, BN)
    kk = tl.arange(0, BK)
    # The t² output tiles of the block, position q = (q // ${t}, q % ${t}) of every t×t tile.
${zeros(t2, I4).join('\n')}
    acc = tl.zeros((BM, BN), tl.float32)
    if FLAT:
        # One loop over (product, K block): the pipeline does not drain between products.
        KT = tl.cdiv(GN, BK)
        for it in range(0, R * KT):
            l = it // KT
            k = (it % KT) * BK + kk
            a_ptr = Xh + l * GM * GN + i[:, None] * GN + k[None, :]
            ${bPtr}
            if EVEN:
                a = tl.load(a_ptr)
                b = tl.load(b_ptr)
            else:
                a = tl.load(a_ptr, mask=(i[:, None] < GM) & (k[None, :] < GN), other=0.0)
                b = tl.load(b_ptr, mask=(k[:, None] < GN) & (j[None, :] < GP), other=0.0)
            acc = tl.dot(a, b, acc)
            if (it % KT) == KT - 1:
                # Product l is complete: fold it into the outputs (decode epilogue), restart acc.
${scale('                ')}                if FOLD:
${foldLines(t2, '                    ').join('\n')}
                else:
                    z0 += acc
                acc = tl.zeros((BM, BN), tl.float32)
    else:
        for l in range(0, R):
            acc = tl.zeros((BM, BN), tl.float32)
            for k0 in range(0, GN, BK):
                k = k0 + kk
                a_ptr = Xh + l * GM * GN + i[:, None] * GN + k[None, :]
                ${bPtr}
                if EVEN:
                    a = tl.load(a_ptr)
                    b = tl.load(b_ptr)
                else:
                    a = tl.load(a_ptr, mask=(i[:, None] < GM) & (k[None, :] < GN), other=0.0)
                    b = tl.load(b_ptr, mask=(k[:, None] < GN) & (j[None, :] < GP), other=0.0)
                acc = tl.dot(a, b, acc)
            # Decode epilogue for product l: z_q += D[q, l]·acc.
${scale('            ')}            if FOLD:
${foldLines(t2, '                ').join('\n')}
            else:  # diagnostic only: the GEMM loop without the t² outputs (wrong result)
                z0 += acc
    # Write the t×t output tiles straight into row-major Z.
    if JOINED:
        c = pid_n * (${t} * BN) + tl.arange(0, ${t} * BN)
        out_row = Z + (${t} * i)[:, None] * ldz + c[None, :]
        omask_row = (i[:, None] < GM) & (c[None, :] < ${t} * GP)
${p2 ? storeTiles(t, true, I8, 'BM', 'BN').join('\n') : `${I8}tl.static_assert(False, "JOINED needs t a power of two")`}
    else:
        out = Z + (${t} * i)[:, None] * ldz + (${t} * j)[None, :]
        omask = (i[:, None] < GM) & (j[None, :] < GP)
${storeTiles(t, false, I8, 'BM', 'BN').join('\n')}`;
}

/** Launch: input checks and the Python entry points (encode_x, decode, fused_gemm, stl_*). */
const LAUNCH = `# ---------------------------------------------------------------- wrappers -----------------------
def _check(A, name):
    assert A.is_cuda and A.dim() == 2 and A.stride(1) == 1, f"{name} must be a row-major CUDA matrix"
    assert A.shape[0] % T == 0 and A.shape[1] % T == 0, f"{name} is {tuple(A.shape)}; t = {T} must divide both sizes (pad first)"
    assert A.numel() < 2**31 and A.numel() // (T * T) * R < 2**31, "sizes beyond 2^31 elements need 64-bit offsets"


def encode_x(X, out=None, BI=32, BJ=32, split=True):
    """X̂ (r, M/t, N/t) in X's dtype."""
    _check(X, "X")
    GM, GN = X.shape[0] // T, X.shape[1] // T
    out = torch.empty((R, GM, GN), dtype=X.dtype, device=X.device) if out is None else out
    grid = (triton.cdiv(GM, BI), triton.cdiv(GN, BJ))
    _encode_x_kernel[grid](X, out, GM, GN, X.stride(0), BI=BI, BJ=BJ, SPLIT=split and INTERLEAVE_OK)
    return out


def decode(Zh, out=None, BI=32, BJ=32, joined=True):
    """Row-major Z (M, P) from Ẑ (r, M/t, P/t)."""
    _, GM, GP = Zh.shape
    out = torch.empty((GM * T, GP * T), dtype=Zh.dtype, device=Zh.device) if out is None else out
    grid = (triton.cdiv(GM, BI), triton.cdiv(GP, BJ))
    _decode_kernel[grid](Zh, out, GM, GP, out.stride(0), BI=BI, BJ=BJ, JOINED=joined and INTERLEAVE_OK, num_warps=4)
    return out


_DECODER = {}


def decoder_tensor(device):
    """D as a float32 (t², r) tensor on the device, made once."""
    key = str(device)
    if key not in _DECODER:
        _DECODER[key] = coefficients(device, torch.float32)[2].contiguous()
    return _DECODER[key]


def fused_gemm(Xh, Wh, out=None, config=None):
    """Row-major Z (M, P) = decode(X̂ ⊙ Ŵ) without writing Ẑ. config: one of FUSED_CONFIGS
    (keys BM, BN, BK, GROUP_M, num_warps, num_stages; optional FLAT, JOINED; FOLD=False is a
    diagnostic that skips the decode and gives a wrong result)."""
    cfg = dict(FUSED_CONFIGS[0])
    cfg.update(config or {})
    assert Xh.shape[0] == R and Wh.shape[0] == R and Xh.shape[2] == Wh.shape[1]
    cfg.setdefault("JOINED", True)
    _, GM, GN = Xh.shape
    GP = Wh.shape[2]
    out = torch.empty((GM * T, GP * T), dtype=Xh.dtype, device=Xh.device) if out is None else out
    BM, BN, BK = cfg["BM"], cfg["BN"], cfg["BK"]
    even = GM % BM == 0 and GN % BK == 0 and GP % BN == 0
    grid = (triton.cdiv(GM, BM) * triton.cdiv(GP, BN),)
    _fused_kernel[grid](Xh, Wh, decoder_tensor(Xh.device), out, GM, GN, GP, R, out.stride(0),
                        BM=BM, BN=BN, BK=BK, GROUP_M=cfg.get("GROUP_M", 8),
                        FLAT=bool(cfg.get("FLAT", False)), JOINED=bool(cfg.get("JOINED", False)) and INTERLEAVE_OK,
                        EVEN=even, FOLD=bool(cfg.get("FOLD", True)), num_warps=cfg["num_warps"], num_stages=cfg["num_stages"])
    return out


def stl_unfused(X, Wh, split=True, joined=True):
    """Three stages: Triton encode, cuBLAS bmm (Ẑ in memory), Triton decode."""
    return decode(torch.bmm(encode_x(X, split=split), Wh), joined=joined)


def stl_fused(X, Wh, config=None, split=True):
    """Triton encode, then the decode-fused GEMM (X-encode and decode included)."""
    return fused_gemm(encode_x(X, split=split), Wh, config=config)
`;
