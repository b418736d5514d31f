/**
 * The decode-fused STL kernel of the generated .cu: the r products as mma.sync.m16n8k16 TensorCore
 * MMAs (bf16/fp16 in, fp32 accumulate) over a cp.async pipeline, with the decode applied in the
 * epilogue of each product (z_q += D[q, l]·acc_l, t² output tiles kept in registers) and the
 * output tiles written straight to row-major Z. Independent of the scheme except for t and r
 * (macros) and D (constant memory, emitted by cuda.ts).
 */

/** CTA tile in tile units: t²·BM·BN fp32 outputs in registers, about 128 per thread at 256 threads. */
export function fusedTile(t: number): { BM: number; BN: number } {
  const t2 = t * t;
  const budget = Math.max(64 * 16, 2 ** Math.floor(Math.log2(32768 / t2)));
  const BN = Math.max(32, Math.min(64, 2 ** Math.floor(Math.log2(Math.sqrt(budget / 2)))));
  const BM = Math.max(64, Math.min(128, budget / BN));
  return { BM, BN };
}

export function fusedKernelSource(t: number): string {
  const { BM, BN } = fusedTile(t);
  return String.raw`
// =============================================================================================
// Decode-fused GEMM (mma.sync path): Z = decode(X̂_l · Ŵ_l, l < R) without writing Ẑ.
// One CTA = BM×BN tile positions (= T·BM × T·BN outputs), 8 warps as 4×2, each warp WM×WN.
// Per product l: acc = X̂_l[rows, :] · Ŵ_l[:, cols] over a 3-stage cp.async pipeline in shared
// memory (ldmatrix + mma.sync.m16n8k16, fp32 accumulate); when product l is complete its acc is
// folded into the T² output tiles, z[q] += D[q][l]·acc (D in constant memory). The loop runs over
// (l, k-block) pairs, so the pipeline does not drain between products. Epilogue: a thread holds
// all T² outputs of its tile positions, so each output row segment is one vector store.
// Not yet: wgmma (the Hopper fast path), TMA loads, warp specialisation, fused X encode.
// =============================================================================================
namespace fz {
constexpr int BM = ${BM}, BN = ${BN}, BK = 32, STAGES = 3;
constexpr int WARPS_M = 4, WARPS_N = 2, THREADS = 32 * WARPS_M * WARPS_N;
constexpr int WM = BM / WARPS_M, WN = BN / WARPS_N;
constexpr int MT = WM / 16, NT = WN / 8;
constexpr int LDA = BK + 8, LDB = BN + 8;  // padded shared-memory rows: conflict-free ldmatrix
static_assert(MT >= 1 && NT >= 2 && NT % 2 == 0, "warp tile must be a multiple of 16x16");
}  // namespace fz

__device__ __forceinline__ void cp_async16(void* smem, const void* gmem) {
  const unsigned s = static_cast<unsigned>(__cvta_generic_to_shared(smem));
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(s), "l"(gmem));
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int N>
__device__ __forceinline__ void cp_async_wait() { asm volatile("cp.async.wait_group %0;\n" ::"n"(N)); }

__device__ __forceinline__ void ldmatrix_x4(uint32_t* r, const elem_t* p) {
  const unsigned s = static_cast<unsigned>(__cvta_generic_to_shared(p));
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(s));
}
__device__ __forceinline__ void ldmatrix_x4_trans(uint32_t* r, const elem_t* p) {
  const unsigned s = static_cast<unsigned>(__cvta_generic_to_shared(p));
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(s));
}
__device__ __forceinline__ void mma16816(float* d, const uint32_t* a, const uint32_t* b) {
  asm volatile("mma.sync.aligned.m16n8k16.row.col.f32." STL_MMA_TYPE "." STL_MMA_TYPE ".f32 "
               "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
               : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

__global__ void __launch_bounds__(fz::THREADS, 1)
stl_fused_kernel(const elem_t* __restrict__ Xh, const elem_t* __restrict__ Wh, elem_t* __restrict__ Z,
                 int GM, int GN, int GP, long ldz) {
  using namespace fz;
  __shared__ __align__(128) elem_t sA[STAGES][BM * LDA];
  __shared__ __align__(128) elem_t sB[STAGES][BK * LDB];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int wm = warp / WARPS_N, wn = warp % WARPS_N;
  // Grouped block order: 8 block rows in a row share the Ŵ columns they read while in L2.
  const int num_n = GP / BN, num_m = GM / BM, group = 8 * num_n;
  const int first_m = (blockIdx.x / group) * 8, size_m = min(num_m - first_m, 8);
  const int m0 = (first_m + (blockIdx.x % group) % size_m) * BM;
  const int n0 = ((blockIdx.x % group) / size_m) * BN;

  float z[STL_T2][MT][NT][4];  // decoded outputs: position q of each tile
  float acc[MT][NT][4];        // the product being computed
#pragma unroll
  for (int mt = 0; mt < MT; ++mt)
#pragma unroll
    for (int nt = 0; nt < NT; ++nt)
#pragma unroll
      for (int e = 0; e < 4; ++e) {
        acc[mt][nt][e] = 0.f;
#pragma unroll
        for (int q = 0; q < STL_T2; ++q) z[q][mt][nt][e] = 0.f;
      }

  const int KT = GN / BK, total = STL_R * KT;
  const long planeX = (long)GM * GN, planeW = (long)GN * GP;
  // Stage it = (product it / KT, K block it % KT): BM×BK of X̂_l and BK×BN of Ŵ_l, 16 B per cp.async.
  auto load_stage = [&](int it) {
    const int l = it / KT, k0 = (it % KT) * BK, s = it % STAGES;
    const elem_t* gA = Xh + l * planeX + (long)m0 * GN + k0;
    const elem_t* gB = Wh + l * planeW + (long)k0 * GP + n0;
#pragma unroll
    for (int c0 = 0; c0 < BM * BK / 8; c0 += THREADS) {
      const int c = c0 + tid;
      if (c < BM * BK / 8) cp_async16(&sA[s][(c / (BK / 8)) * LDA + (c % (BK / 8)) * 8], gA + (long)(c / (BK / 8)) * GN + (c % (BK / 8)) * 8);
    }
#pragma unroll
    for (int c0 = 0; c0 < BK * BN / 8; c0 += THREADS) {
      const int c = c0 + tid;
      if (c < BK * BN / 8) cp_async16(&sB[s][(c / (BN / 8)) * LDB + (c % (BN / 8)) * 8], gB + (long)(c / (BN / 8)) * GP + (c % (BN / 8)) * 8);
    }
  };

#pragma unroll
  for (int s = 0; s < STAGES - 1; ++s) {
    if (s < total) load_stage(s);
    cp_async_commit();
  }
  for (int it = 0; it < total; ++it) {
    cp_async_wait<STAGES - 2>();
    __syncthreads();  // stage it is in shared memory; stage it-1 is free for the next load
    if (it + STAGES - 1 < total) load_stage(it + STAGES - 1);
    cp_async_commit();
    const elem_t* a_s = sA[it % STAGES];
    const elem_t* b_s = sB[it % STAGES];
#pragma unroll
    for (int kk = 0; kk < BK; kk += 16) {
      uint32_t af[MT][4], bfr[NT][2];
#pragma unroll
      for (int mt = 0; mt < MT; ++mt)
        ldmatrix_x4(af[mt], a_s + (wm * WM + mt * 16 + (lane % 16)) * LDA + kk + (lane / 16) * 8);
#pragma unroll
      for (int np = 0; np < NT / 2; ++np) {
        uint32_t r4[4];
        ldmatrix_x4_trans(r4, b_s + (kk + (lane % 8) + ((lane / 8) % 2) * 8) * LDB + wn * WN + np * 16 + (lane / 16) * 8);
        bfr[2 * np][0] = r4[0];
        bfr[2 * np][1] = r4[1];
        bfr[2 * np + 1][0] = r4[2];
        bfr[2 * np + 1][1] = r4[3];
      }
#pragma unroll
      for (int mt = 0; mt < MT; ++mt)
#pragma unroll
        for (int nt = 0; nt < NT; ++nt) mma16816(acc[mt][nt], af[mt], bfr[nt]);
    }
    if (it % KT == KT - 1) {
      // Product l is complete: decode epilogue z[q] += D[q][l]·acc, then start the next product.
      const int l = it / KT;
#pragma unroll
      for (int q = 0; q < STL_T2; ++q) {
        const float d = kD[q * STL_R + l];
#pragma unroll
        for (int mt = 0; mt < MT; ++mt)
#pragma unroll
          for (int nt = 0; nt < NT; ++nt)
#pragma unroll
            for (int e = 0; e < 4; ++e) z[q][mt][nt][e] = fmaf(d, acc[mt][nt][e], z[q][mt][nt][e]);
      }
#pragma unroll
      for (int mt = 0; mt < MT; ++mt)
#pragma unroll
        for (int nt = 0; nt < NT; ++nt)
#pragma unroll
          for (int e = 0; e < 4; ++e) acc[mt][nt][e] = 0.f;
    }
  }
  cp_async_wait<0>();

  // Epilogue: accumulator element e of (mt, nt) is tile position (row i, column j + e%2) with
  // i = lane/4 (+8 for e >= 2) and j = 2·(lane%4); its T² outputs are z[·][mt][nt][e]. Output row
  // T·i + a gets tiles j and j+1 side by side: 2·T contiguous values, one store.
#pragma unroll
  for (int mt = 0; mt < MT; ++mt)
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int i = m0 + wm * WM + mt * 16 + lane / 4 + 8 * h;
#pragma unroll
      for (int nt = 0; nt < NT; ++nt) {
        const int j = n0 + wn * WN + nt * 8 + 2 * (lane % 4);
#pragma unroll
        for (int a = 0; a < STL_T; ++a) {
          float v[2 * STL_T];
#pragma unroll
          for (int b = 0; b < STL_T; ++b) {
            v[b] = z[a * STL_T + b][mt][nt][2 * h];
            v[STL_T + b] = z[a * STL_T + b][mt][nt][2 * h + 1];
          }
          store_vals<2 * STL_T>(Z + ((long)STL_T * i + a) * ldz + (long)STL_T * j, v);
        }
      }
    }
}
`;
}
