/**
 * The two stores of a walker's terms (C++): ThreadStore (one walker per thread, the terms in shared
 * memory on the GPU, in plain memory on the host) and WarpStore (one walker per warp, term t in
 * lane t % 32's registers), the latter over a warp type: CudaWarp on the GPU, EmuWarp (the 32 lanes
 * side by side, shuffles and ballots as loops) on the host. The walk (flipwalk-walk.ts) sees only
 * get, set, copy_term, partners, merge_partner, claim, save and load.
 */
export const FLIPWALK_STORES = String.raw`
// One walker per thread: factor (s, t) at base[(s*CAP + t)*stride]; stride = walkers of a block
// in shared memory (neighbouring threads hit neighbouring banks), 1 on the host.
struct ThreadStore {
  word_t* base;
  int stride;
  FW_HD word_t get(int s, int t) const { return base[(s * CAP + t) * stride]; }
  FW_HD void set(int s, int t, word_t v) { base[(s * CAP + t) * stride] = v; }
  FW_HD void copy_term(int dst, int src) {
    for (int s = 0; s < 3; s++) set(s, dst, get(s, src));
  }
  // Live terms whose factor in slot s is t's (t included); returns their number.
  FW_HD int partners(int s, int t, int rank, Mask& m) const {
    const word_t v = get(s, t);
    const word_t* p = base + s * CAP * stride;
    int k = 0;
  FW_UNROLL
    for (int q = 0; q < K; q++) {
      uint32_t w = 0;
      const int n = rank - 32 * q < 32 ? rank - 32 * q : 32;
      for (int i = 0; i < n; i++) w |= (uint32_t)(p[(32 * q + i) * stride] == v) << i;
      m.w[q] = w;
      k += popc32(w);
    }
    return k;
  }
  // The first term u != t sharing t's factor in slot s and one more factor, or -1.
  FW_HD int merge_partner(int s, int t, int rank) const {
    const int s1 = S1(s), s2 = S2(s);
    const word_t v = get(s, t), y = get(s1, t), z = get(s2, t);
    for (int u = 0; u < rank; u++) {
      if (u != t && get(s, u) == v && (get(s1, u) == y || get(s2, u) == z)) return u;
    }
    return -1;
  }
  FW_HD int claim(Sink& k, int rank) { return sink_claim(k, rank); }
  FW_HD void save(word_t* dst, int rank) const {
    for (int s = 0; s < 3; s++) for (int t = 0; t < rank; t++) dst[s * CAP + t] = get(s, t);
  }
  FW_HD void load(const word_t* src, int rank) {
    for (int s = 0; s < 3; s++) for (int t = 0; t < rank; t++) set(s, t, src[s * CAP + t]);
  }
};

// One walker per warp: term t's factors in registers r[*][t / 32] of lane t % 32. Every lane runs
// the whole walk on the same values; only the scans over terms are split across the lanes. The
// store is written against a warp W: CudaWarp (one lane's registers and the warp intrinsics) on the
// GPU, EmuWarp (all 32 lanes' registers, the intrinsics as loops) on the host, so that the warp
// layout is tested on the CPU (--mode warp-emu) with the very code the GPU runs.
struct LaneRegs {
  word_t r[3][K];
  // Register r[s][q] for run-time s, q. Masks, not selects: nvcc turns a chain of selects back
  // into an indexed array, which lives in local memory.
  FW_HD word_t mine(int s, int q) const {
    word_t x = 0;
    FW_UNROLL
    for (int a = 0; a < 3; a++)
      FW_UNROLL
      for (int b = 0; b < K; b++) x |= r[a][b] & ((word_t)0 - (word_t)(a == s && b == q));
    return x;
  }
  // r[s][q] = v where here is true.
  FW_HD void put(int s, int q, word_t v, bool here) {
    const word_t h = (word_t)0 - (word_t)here;
    FW_UNROLL
    for (int a = 0; a < 3; a++)
      FW_UNROLL
      for (int b = 0; b < K; b++) {
        const word_t m = h & ((word_t)0 - (word_t)(a == s && b == q));
        r[a][b] = (r[a][b] & ~m) | (v & m);
      }
  }
};

#ifdef __CUDACC__
struct CudaWarp {
  LaneRegs R;
  int lane;
  // Lane src's f(registers), to every lane.
  template <class F> FW_HD word_t shfl(F f, int src) const {
#ifdef __CUDA_ARCH__
    return __shfl_sync(0xffffffffu, f(R), src);
#else
    return 0;
#endif
  }
  // Bit l: f(registers of lane l).
  template <class F> FW_HD uint32_t ballot(F f) const {
#ifdef __CUDA_ARCH__
    return __ballot_sync(0xffffffffu, f(R));
#else
    return 0;
#endif
  }
  template <class F> FW_HD void each(F f) { f(R, lane); }
  // f() on lane 0 (an atomic), its result to every lane.
  template <class F> FW_HD int lane0(F f) {
#ifdef __CUDA_ARCH__
    int x = 0;
    if (lane == 0) x = f();
    return __shfl_sync(0xffffffffu, x, 0);
#else
    return f();
#endif
  }
};
#endif

struct EmuWarp {
  LaneRegs R[32];
  template <class F> FW_HD word_t shfl(F f, int src) const { return f(R[src]); }
  template <class F> FW_HD uint32_t ballot(F f) const {
    uint32_t b = 0;
    for (int l = 0; l < 32; l++) b |= (uint32_t)(f(R[l]) ? 1 : 0) << l;
    return b;
  }
  template <class F> FW_HD void each(F f) {
    for (int l = 0; l < 32; l++) f(R[l], l);
  }
  template <class F> FW_HD int lane0(F f) { return f(); }
};

template <class W>
struct WarpStore {
  W w;
  FW_HD word_t get(int s, int t) const {
    const int q = t >> 5;
    return w.shfl([&](const LaneRegs& R) { return R.mine(s, q); }, t & 31);
  }
  FW_HD void set(int s, int t, word_t v) {
    w.each([&](LaneRegs& R, int lane) { R.put(s, t >> 5, v, lane == (t & 31)); });
  }
  FW_HD void copy_term(int dst, int src) {
    const word_t a = get(0, src), b = get(1, src), c = get(2, src);
    set(0, dst, a); set(1, dst, b); set(2, dst, c);
  }
  FW_HD int partners(int s, int t, int rank, Mask& m) const {
    const word_t v = get(s, t);
    int k = 0;
    FW_UNROLL
    for (int q = 0; q < K; q++) {
      m.w[q] = w.ballot([&](const LaneRegs& R) { return R.mine(s, q) == v; }) & live_bits(q, rank);
      k += popc32(m.w[q]);
    }
    return k;
  }
  FW_HD int merge_partner(int s, int t, int rank) const {
    const int s1 = S1(s), s2 = S2(s);
    const word_t v = get(s, t), y = get(s1, t), z = get(s2, t);
    FW_UNROLL
    for (int q = 0; q < K; q++) {
      uint32_t b = w.ballot([&](const LaneRegs& R) { return R.mine(s, q) == v && (R.mine(s1, q) == y || R.mine(s2, q) == z); }) & live_bits(q, rank);
      if (q == (t >> 5)) b &= ~(1u << (t & 31));
      if (b) return 32 * q + ctz32(b);
    }
    return -1;
  }
  FW_HD int claim(Sink& k, int rank) {
    return w.lane0([&]() { return sink_claim(k, rank); });
  }
  FW_HD void save(word_t* dst, int rank) {
    w.each([&](LaneRegs& R, int lane) {
      FW_UNROLL
      for (int q = 0; q < K; q++) {
        const int t = 32 * q + lane;
        if (t >= rank) continue;
        FW_UNROLL
        for (int s = 0; s < 3; s++) dst[s * CAP + t] = R.r[s][q];
      }
    });
  }
  FW_HD void load(const word_t* src, int rank) {
    w.each([&](LaneRegs& R, int lane) {
      FW_UNROLL
      for (int q = 0; q < K; q++) {
        const int t = 32 * q + lane;
        FW_UNROLL
        for (int s = 0; s < 3; s++) R.r[s][q] = t < rank ? src[s * CAP + t] : 0;
      }
    });
  }
};

`;
