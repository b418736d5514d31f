import { floatLiteral, headerLines, linearCombination, type CodegenOperator } from '../operator.ts';
import type { CodegenOptions } from '../options.ts';
import type { Target } from '../registry.ts';
import { fusedKernelSource, fusedTile } from './cuda-fused.ts';

/**
 * `stlkit codegen cuda`: one self-contained .cu (no CUTLASS, no cuBLAS header or link needed) with
 *  - stage kernels with the coefficients baked in: encode (tiles, or blocks for fast matmul) and
 *    decode, and cuBLAS's strided batched GEMM (loaded with dlopen at run time) between them;
 *  - the decode-fused mma.sync kernel (cuda-fused.ts);
 *  - a one-level fast-matmul driver (Benson–Ballard style) for exact schemes: the same encode and
 *    decode on t×t blocks of the operands instead of t×t tiles, products through cuBLAS;
 *  - extern "C" entry points for ctypes. Build: nvcc -std=c++17 -O3
 *    -gencode=arch=compute_90a,code=sm_90a -shared -Xcompiler -fPIC -o libstl.so FILE.cu -ldl
 */
export const cudaTarget: Target = {
  name: 'cuda',
  extension: '.cu',
  description: '.cu for sm_90a',
  package: false,
  lowPrecision: { storeProducts: true },
  generate: (op, o) => [{ path: 'stl.cu', contents: generateCuda(op, o) }],
};

/** The .cu: its parts in order (prologue, tile access, encode, decode, products, launch). */
export function generateCuda(op: CodegenOperator, o: CodegenOptions): string {
  return [prologue(op, o), TILE_ACCESS, encode(op), decode(op)].join('\n') + fusedKernelSource(op.t) + '\n' + CUBLAS_PRODUCTS + '\n' + launch(o);
}

const cLit = (x: number) => `${floatLiteral(x)}f`;

/** Header comment, includes, size macros, the element type's conversions, D in constant memory. */
function prologue(op: CodegenOperator, o: CodegenOptions): string {
  const { t, r } = op;
  const t2 = t * t;
  const kD = op.D.map((row) => `  ${row.map(cLit).join(', ')},`).join('\n');
  const bf = o.dtype === 'bf16';
  const { BM, BN } = fusedTile(t);
  const header = headerLines(op, 'cuda', o.dtype).map((l) => `// ${l}`).join('\n');
  return String.raw`${header}
//
// Entry points (extern "C", device pointers, stream as void*; 0 = ok, else see stl_last_error()):
//   stl_encode_x / stl_encode_w   stage 1: row-major matrix → r encoded planes (coefficients baked in)
//   stl_batched_gemm              stage 2: Ẑ_l = X̂_l·Ŵ_l through cublasGemmStridedBatchedEx
//   stl_decode                    stage 3: Ẑ → row-major Z
//   stl_unfused                   stages 1-3 (Ẑ in memory)
//   stl_fused_gemm / stl_fused    decode-fused mma.sync GEMM (Ẑ never in memory), without / with encode
//   fmm_forward                   exact schemes: one level of the scheme on t×t blocks over cuBLAS
// Build: nvcc -std=c++17 -O3 -gencode=arch=compute_90a,code=sm_90a -shared -Xcompiler -fPIC -o libstl.so THIS.cu -ldl
#include <cuda_runtime.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <library_types.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define STL_T ${t}
#define STL_R ${r}
#define STL_T2 ${t2}
#define STL_EXACT ${op.exact ? 1 : 0}
#define STL_FUSED_BM ${BM}
#define STL_FUSED_BN ${BN}

${bf ? `typedef __nv_bfloat16 elem_t;
#define STL_MMA_TYPE "bf16"
#define STL_CUDA_TYPE CUDA_R_16BF
__device__ __forceinline__ float to_f(elem_t x) { return __bfloat162float(x); }
__device__ __forceinline__ elem_t from_f(float x) { return __float2bfloat16_rn(x); }
__device__ __forceinline__ uint32_t pack2(float lo, float hi) {
  __nv_bfloat162 v = __floats2bfloat162_rn(lo, hi);
  return *reinterpret_cast<uint32_t*>(&v);
}` : `typedef __half elem_t;
#define STL_MMA_TYPE "f16"
#define STL_CUDA_TYPE CUDA_R_16F
__device__ __forceinline__ float to_f(elem_t x) { return __half2float(x); }
__device__ __forceinline__ elem_t from_f(float x) { return __float2half_rn(x); }
__device__ __forceinline__ uint32_t pack2(float lo, float hi) {
  __half2 v = __floats2half2_rn(lo, hi);
  return *reinterpret_cast<uint32_t*>(&v);
}`}

// D[q][l] (t² × r) for the fused kernel's epilogue, read with a uniform index (constant cache).
__constant__ float kD[STL_T2 * STL_R] = {
${kD}
};
`;
}

/** Vector loads/stores and tile/block addressing shared by the stage kernels (scheme-independent). */
const TILE_ACCESS = String.raw`// ---- vector loads/stores of T (or 2T) consecutive elements: 16, 8 or 4 bytes when they fit ------
template <int N>
__device__ __forceinline__ void load_vals(const elem_t* __restrict__ p, float* x) {
  if constexpr (N * sizeof(elem_t) == 16) {
    const uint4 v = *reinterpret_cast<const uint4*>(p);
    const elem_t* e = reinterpret_cast<const elem_t*>(&v);
#pragma unroll
    for (int b = 0; b < N; ++b) x[b] = to_f(e[b]);
  } else if constexpr (N * sizeof(elem_t) == 8) {
    const uint2 v = *reinterpret_cast<const uint2*>(p);
    const elem_t* e = reinterpret_cast<const elem_t*>(&v);
#pragma unroll
    for (int b = 0; b < N; ++b) x[b] = to_f(e[b]);
  } else if constexpr (N * sizeof(elem_t) == 4) {
    const uint32_t v = *reinterpret_cast<const uint32_t*>(p);
    const elem_t* e = reinterpret_cast<const elem_t*>(&v);
#pragma unroll
    for (int b = 0; b < N; ++b) x[b] = to_f(e[b]);
  } else {
#pragma unroll
    for (int b = 0; b < N; ++b) x[b] = to_f(p[b]);
  }
}
template <int N>
__device__ __forceinline__ void store_vals(elem_t* __restrict__ p, const float* v) {
  if constexpr (N == 8) {
    *reinterpret_cast<uint4*>(p) = make_uint4(pack2(v[0], v[1]), pack2(v[2], v[3]), pack2(v[4], v[5]), pack2(v[6], v[7]));
  } else if constexpr (N == 4) {
    *reinterpret_cast<uint2*>(p) = make_uint2(pack2(v[0], v[1]), pack2(v[2], v[3]));
  } else if constexpr (N == 2) {
    *reinterpret_cast<uint32_t*>(p) = pack2(v[0], v[1]);
  } else {
#pragma unroll
    for (int b = 0; b < N; ++b) p[b] = from_f(v[b]);
  }
}

// Entry (a, b) of tile/block (i, k) of a row-major matrix with leading dimension ld.
//   TILES  (STL):         A[(T·i + a)·ld + T·k + b]      a tile is T×T neighbours
//   BLOCKS (fast matmul): A[(a·GI + i)·ld + b·GK + k]    block (a, b) is the (GI × GK) submatrix
template <bool BLOCKS>
__device__ __forceinline__ void load_tile(const elem_t* __restrict__ A, long ld, int i, int k, int GI, int GK, float* x) {
#pragma unroll
  for (int a = 0; a < STL_T; ++a) {
    if constexpr (BLOCKS) {
#pragma unroll
      for (int b = 0; b < STL_T; ++b) x[a * STL_T + b] = to_f(A[((long)a * GI + i) * ld + (long)b * GK + k]);
    } else {
      load_vals<STL_T>(A + ((long)STL_T * i + a) * ld + (long)STL_T * k, x + a * STL_T);
    }
  }
}
template <bool BLOCKS>
__device__ __forceinline__ void store_tile(elem_t* __restrict__ A, long ld, int i, int k, int GI, int GK, const float* z) {
#pragma unroll
  for (int a = 0; a < STL_T; ++a) {
    if constexpr (BLOCKS) {
#pragma unroll
      for (int b = 0; b < STL_T; ++b) A[((long)a * GI + i) * ld + (long)b * GK + k] = from_f(z[a * STL_T + b]);
    } else {
      store_vals<STL_T>(A + ((long)STL_T * i + a) * ld + (long)STL_T * k, z + a * STL_T);
    }
  }
}
`;

/** Stage 1: the X and W encode kernels, E_X and E_W baked in. */
function encode(op: CodegenOperator): string {
  const xs = Array.from({ length: op.t * op.t }, (_, q) => `x[${q}]`);
  const encodeBody = (E: number[][]) => E.map((row, l) => `  o[${l} * plane] = from_f(${linearCombination(row, xs, cLit, '0.f')});`).join('\n');
  return String.raw`// ---- Stage 1: encode. One thread per tile (i, k): read its T² entries, write R encoded values,
// plane l holding X̂_l (GI × GK, row-major). Coefficients E_X / E_W are baked in below.
template <bool BLOCKS>
__global__ void encode_x_kernel(const elem_t* __restrict__ X, elem_t* __restrict__ Xh, int GI, int GK, long ld) {
  const int k = blockIdx.x * blockDim.x + threadIdx.x, i = blockIdx.y;
  if (k >= GK) return;
  float x[STL_T2];
  load_tile<BLOCKS>(X, ld, i, k, GI, GK, x);
  const long plane = (long)GI * GK;
  elem_t* o = Xh + (long)i * GK + k;
${encodeBody(op.EX)}
}
template <bool BLOCKS>
__global__ void encode_w_kernel(const elem_t* __restrict__ W, elem_t* __restrict__ Wh, int GI, int GK, long ld) {
  const int k = blockIdx.x * blockDim.x + threadIdx.x, i = blockIdx.y;
  if (k >= GK) return;
  float x[STL_T2];
  load_tile<BLOCKS>(W, ld, i, k, GI, GK, x);
  const long plane = (long)GI * GK;
  elem_t* o = Wh + (long)i * GK + k;
${encodeBody(op.EW)}
}
`;
}

/** Stage 3: the decode kernel, D baked in. */
function decode(op: CodegenOperator): string {
  const ys = Array.from({ length: op.r }, (_, l) => `y[${l}]`);
  const decodeBody = op.D.map((row, q) => `  z[${q}] = ${linearCombination(row, ys, cLit, '0.f')};`).join('\n');
  return String.raw`// ---- Stage 3: decode. One thread per output tile (i, j): read its R products, z_q = Σ_l D[q][l]·y_l.
template <bool BLOCKS>
__global__ void decode_kernel(const elem_t* __restrict__ Zh, elem_t* __restrict__ Z, int GI, int GJ, long ld) {
  const int j = blockIdx.x * blockDim.x + threadIdx.x, i = blockIdx.y;
  if (j >= GJ) return;
  const long plane = (long)GI * GJ;
  const elem_t* s = Zh + (long)i * GJ + j;
  float y[STL_R], z[STL_T2];
#pragma unroll
  for (int l = 0; l < STL_R; ++l) y[l] = to_f(s[l * plane]);
${decodeBody}
  store_tile<BLOCKS>(Z, ld, i, j, GI, GJ, z);
}
`;
}

/** Host side of stage 2: error reporting and the r products through cuBLAS's strided batched GEMM. */
const CUBLAS_PRODUCTS = String.raw`// =============================================================================================
// Host side: errors, cuBLAS (dlopen), entry points.
// =============================================================================================
static char g_err[512] = "";
static int fail(int code, const char* what) {
  snprintf(g_err, sizeof g_err, "%s", what);
  return code ? code : -1;
}
static int fail_cuda(cudaError_t e, const char* where) {
  snprintf(g_err, sizeof g_err, "%s: %s", where, cudaGetErrorString(e));
  return (int)e;
}
#define STL_LAUNCHED(where)                                   \
  do {                                                        \
    cudaError_t e_ = cudaGetLastError();                      \
    if (e_ != cudaSuccess) return fail_cuda(e_, where);       \
  } while (0)

// cuBLAS, resolved at run time so the file needs neither its header nor -lcublas. Constants as in
// cublas_api.h; checked against it when the header is there.
#if __has_include(<cublas_v2.h>)
#include <cublas_v2.h>
static_assert(CUBLAS_OP_N == 0 && CUBLAS_COMPUTE_32F == 68 && CUBLAS_GEMM_DEFAULT == -1, "cuBLAS constants");
#endif
typedef int (*cublasCreate_fn)(void**);
typedef int (*cublasSetStream_fn)(void*, cudaStream_t);
typedef int (*cublasGemmSB_fn)(void*, int, int, int, int, int, const void*, const void*, int, int, long long,
                               const void*, int, int, long long, const void*, void*, int, int, long long, int, int, int);
static void* g_cublas = nullptr;
static cublasSetStream_fn p_set_stream = nullptr;
static cublasGemmSB_fn p_gemm_sb = nullptr;
static char g_cublas_path[1024] = "";

extern "C" int stl_set_cublas_path(const char* path) {
  snprintf(g_cublas_path, sizeof g_cublas_path, "%s", path ? path : "");
  return 0;
}
static int cublas_ready() {
  if (g_cublas) return 0;
  const char* names[] = {g_cublas_path, "libcublas.so.13", "libcublas.so.12", "libcublas.so"};
  void* lib = nullptr;
  for (const char* n : names)
    if (n[0] && (lib = dlopen(n, RTLD_NOW | RTLD_GLOBAL))) break;
  if (!lib) return fail(-2, "cuBLAS not found (pass its path to stl_set_cublas_path)");
  auto create = (cublasCreate_fn)dlsym(lib, "cublasCreate_v2");
  p_set_stream = (cublasSetStream_fn)dlsym(lib, "cublasSetStream_v2");
  p_gemm_sb = (cublasGemmSB_fn)dlsym(lib, "cublasGemmStridedBatchedEx");
  if (!create || !p_set_stream || !p_gemm_sb) return fail(-3, "cuBLAS symbols missing");
  if (create(&g_cublas) != 0) return fail(-4, "cublasCreate failed");
  return 0;
}
// Row-major C_l (GI × GJ) = A_l (GI × GK) · B_l (GK × GJ) for l < R; in cuBLAS's column-major
// terms C_lᵀ = B_lᵀ · A_lᵀ, so B goes first.
static int batched_gemm(const elem_t* A, const elem_t* B, elem_t* C, int GI, int GK, int GJ, cudaStream_t st) {
  if (int rc = cublas_ready()) return rc;
  const float one = 1.f, zero = 0.f;
  if (p_set_stream(g_cublas, st) != 0) return fail(-5, "cublasSetStream failed");
  const int rc = p_gemm_sb(g_cublas, 0, 0, GJ, GI, GK, &one, B, STL_CUDA_TYPE, GJ, (long long)GK * GJ, A, STL_CUDA_TYPE, GK,
                           (long long)GI * GK, &zero, C, STL_CUDA_TYPE, GJ, (long long)GI * GJ, STL_R, 68, -1);
  if (rc != 0) {
    snprintf(g_err, sizeof g_err, "cublasGemmStridedBatchedEx returned %d", rc);
    return -6;
  }
  return 0;
}
`;

/** Host launchers of the stage kernels and the extern "C" entry points. */
function launch(o: CodegenOptions): string {
  const bf = o.dtype === 'bf16';
  return String.raw`static bool aligned16(const void* p) { return (reinterpret_cast<uintptr_t>(p) & 15) == 0; }
static int check_shape(int M, int N, int P) {
  if (M <= 0 || N <= 0 || P <= 0 || M % STL_T || N % STL_T || P % STL_T) return fail(-10, "M, N, P must be positive multiples of t (pad first)");
  if (M / STL_T > 65535) return fail(-11, "M/t above 65535 (grid y)");
  return 0;
}
template <bool BLOCKS>
static int encode(bool w, const elem_t* A, elem_t* out, int GI, int GK, long ld, cudaStream_t st) {
  if (!BLOCKS && (ld % STL_T || !aligned16(A))) return fail(-12, "encode: row-major input needs ld % t == 0 and 16-byte alignment");
  dim3 grid((GK + 127) / 128, GI);
  if (w) encode_w_kernel<BLOCKS><<<grid, 128, 0, st>>>(A, out, GI, GK, ld);
  else encode_x_kernel<BLOCKS><<<grid, 128, 0, st>>>(A, out, GI, GK, ld);
  STL_LAUNCHED("encode");
  return 0;
}
template <bool BLOCKS>
static int decode(const elem_t* Zh, elem_t* Z, int GI, int GJ, long ld, cudaStream_t st) {
  if (!BLOCKS && (ld % STL_T || !aligned16(Z))) return fail(-12, "decode: output needs ld % t == 0 and 16-byte alignment");
  dim3 grid((GJ + 127) / 128, GI);
  decode_kernel<BLOCKS><<<grid, 128, 0, st>>>(Zh, Z, GI, GJ, ld);
  STL_LAUNCHED("decode");
  return 0;
}

#define E(p) reinterpret_cast<const elem_t*>(p)
#define EM(p) reinterpret_cast<elem_t*>(p)
#define ST(s) reinterpret_cast<cudaStream_t>(s)
extern "C" {
const char* stl_last_error() { return g_err; }
/** t, r, exact, dtype (0 bf16, 1 fp16), fused BM, fused BN. */
int stl_info(int* out6) {
  const int v[6] = {STL_T, STL_R, STL_EXACT, ${bf ? 0 : 1}, STL_FUSED_BM, STL_FUSED_BN};
  memcpy(out6, v, sizeof v);
  return 0;
}
int stl_encode_x(const void* X, void* Xh, int M, int N, long ld, void* st) {
  if (int rc = check_shape(M, N, STL_T)) return rc;
  return encode<false>(false, E(X), EM(Xh), M / STL_T, N / STL_T, ld, ST(st));
}
int stl_encode_w(const void* W, void* Wh, int N, int P, long ld, void* st) {
  if (int rc = check_shape(N, P, STL_T)) return rc;
  return encode<false>(true, E(W), EM(Wh), N / STL_T, P / STL_T, ld, ST(st));
}
int stl_decode(const void* Zh, void* Z, int M, int P, long ld, void* st) {
  if (int rc = check_shape(M, STL_T, P)) return rc;
  return decode<false>(E(Zh), EM(Z), M / STL_T, P / STL_T, ld, ST(st));
}
int stl_batched_gemm(const void* Xh, const void* Wh, void* Zh, int M, int N, int P, void* st) {
  if (int rc = check_shape(M, N, P)) return rc;
  return batched_gemm(E(Xh), E(Wh), EM(Zh), M / STL_T, N / STL_T, P / STL_T, ST(st));
}
/** Three stages; Xh_work holds R·M·N/t² elements, Zh_work R·M·P/t². */
int stl_unfused(const void* X, const void* Wh, void* Z, void* Xh_work, void* Zh_work, int M, int N, int P, void* st) {
  if (int rc = check_shape(M, N, P)) return rc;
  if (int rc = encode<false>(false, E(X), EM(Xh_work), M / STL_T, N / STL_T, N, ST(st))) return rc;
  if (int rc = batched_gemm(E(Xh_work), E(Wh), EM(Zh_work), M / STL_T, N / STL_T, P / STL_T, ST(st))) return rc;
  return decode<false>(E(Zh_work), EM(Z), M / STL_T, P / STL_T, P, ST(st));
}
int stl_fused_gemm(const void* Xh, const void* Wh, void* Z, int M, int N, int P, void* st) {
  if (int rc = check_shape(M, N, P)) return rc;
  const int GM = M / STL_T, GN = N / STL_T, GP = P / STL_T;
  if (GM % fz::BM || GP % fz::BN || GN % fz::BK) return fail(-13, "fused kernel: M/t, N/t, P/t must be multiples of its BM, BK, BN");
  if (!aligned16(Xh) || !aligned16(Wh) || !aligned16(Z) || P % 8) return fail(-12, "fused kernel: 16-byte alignment needed");
  stl_fused_kernel<<<(GM / fz::BM) * (GP / fz::BN), fz::THREADS, 0, ST(st)>>>(E(Xh), E(Wh), EM(Z), GM, GN, GP, P);
  STL_LAUNCHED("stl_fused_kernel");
  return 0;
}
/** Encode X (into Xh_work, R·M·N/t² elements), then the fused GEMM. */
int stl_fused(const void* X, const void* Wh, void* Z, void* Xh_work, int M, int N, int P, void* st) {
  if (int rc = check_shape(M, N, P)) return rc;
  if (int rc = encode<false>(false, E(X), EM(Xh_work), M / STL_T, N / STL_T, N, ST(st))) return rc;
  return stl_fused_gemm(Xh_work, Wh, Z, M, N, P, st);
}
/** One level of the scheme on T×T blocks: C = A·B for exact schemes (else the scheme's bilinear map).
 *  Aw: R·M·N/t², Bw: R·N·P/t², Pw: R·M·P/t² elements. */
int fmm_forward(const void* A, const void* B, void* C, void* Aw, void* Bw, void* Pw, int M, int N, int P, void* st) {
  if (int rc = check_shape(M, N, P)) return rc;
  const int GM = M / STL_T, GN = N / STL_T, GP = P / STL_T;
  if (int rc = encode<true>(false, E(A), EM(Aw), GM, GN, N, ST(st))) return rc;
  if (int rc = encode<true>(true, E(B), EM(Bw), GN, GP, P, ST(st))) return rc;
  if (int rc = batched_gemm(E(Aw), E(Bw), EM(Pw), GM, GN, GP, ST(st))) return rc;
  return decode<true>(E(Pw), EM(C), GM, GP, P, ST(st));
}
}  // extern "C"
`;
}
