/**
 * The walk of the flipwalk program (C++, CUDA where __CUDACC__ is defined): the random numbers, the
 * two stores of a scheme (ThreadStore: one walker per thread, the scheme in shared memory, or in
 * plain memory on the host; WarpStore: one walker per warp, term t in lane t % 32's registers) and
 * the walk itself, one template over the store, so the host build runs the very code the GPU does.
 *
 * The walk is stlkit's flip-graph descent (src/search/flip/descent.ts, state.ts) on a dense term
 * array: terms 0..rank-1, a removed term replaced by the last one. Flips are found by rejection: a
 * uniform node (term, slot) is drawn until its factor is shared (uniform over flippable nodes, as
 * the CPU walk samples), no table of groups. Every random choice is made on uniform values, so a
 * warp's 32 lanes make the same choices and both stores give the same walk for a seed.
 */
export const FLIPWALK_WALK = String.raw`
#ifdef __CUDACC__
#include <cuda_runtime.h>
#define FW_HD __host__ __device__ __forceinline__
#define FW_UNROLL _Pragma("unroll")
#else
#define FW_HD inline
#define FW_UNROLL
#endif

#if FW_WORD64
typedef unsigned long long word_t;
#define FW_WORD_FMT "%llx"
#else
typedef uint32_t word_t;
#define FW_WORD_FMT "%x"
#endif

// Term capacity (the rank bound) and 32-term chunks: mask words, and registers per slot in warp mode.
static const int CAP = FW_CAP;
static const int K = (FW_CAP + 31) / 32;
static const int WORDS = 3 * FW_CAP;
// Random nodes drawn before a flip is declared impossible (then the walk escapes the plateau).
static const int PICK_TRIES = 256;

FW_HD int S1(int s) { return s == 2 ? 0 : s + 1; }
FW_HD int S2(int s) { return s == 0 ? 2 : s - 1; }
FW_HD int popc32(uint32_t x) {
#ifdef __CUDA_ARCH__
  return __popc(x);
#else
  return __builtin_popcount(x);
#endif
}
FW_HD int ctz32(uint32_t x) {
#ifdef __CUDA_ARCH__
  return __ffs(x) - 1;
#else
  return __builtin_ctz(x);
#endif
}
FW_HD uint32_t rotl32(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

// xoshiro128** seeded by splitmix32, word for word stlkit's Rng (src/util/rng.ts).
struct Rng {
  uint32_t s[4];
  FW_HD void seed(uint32_t x) {
    for (int i = 0; i < 4; i++) {
      x += 0x9e3779b9u;
      uint32_t z = x;
      z = (z ^ (z >> 16)) * 0x85ebca6bu;
      z = (z ^ (z >> 13)) * 0xc2b2ae35u;
      s[i] = z ^ (z >> 16);
    }
    if (!(s[0] | s[1] | s[2] | s[3])) s[0] = 1;
  }
  FW_HD uint32_t next() {
    uint32_t r = rotl32(s[1] * 5u, 7) * 9u, t = s[1] << 9;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t;
    s[3] = rotl32(s[3], 11);
    return r;
  }
  // floor(next / 2^32 * n), as Rng.int(n).
  FW_HD uint32_t below(uint32_t n) { return (uint32_t)(((uint64_t)next() * n) >> 32); }
};

// Walker i's seed from the run's seed: workerSeed of src/search/parallel/spawn.ts.
FW_HD uint32_t walker_seed(uint32_t seed, uint32_t i) { return seed * 1000003u + i * 7919u + 1u; }

struct Params {
  int target;
  uint32_t plateau;
  int maxUp;
  uint32_t plusFlips;
  // Flips without a new best of the descent before a new descent; 0 never, -1: 20000 x start rank.
  long long restartFlips;
};

struct Counters {
  unsigned long long flips;
  uint32_t sinceReduction, sinceImprove;
  int homeRank, bestRank;
  uint32_t reductions, plusTransitions, returns, restarts;
};

// A walker between kernel launches (its terms live in the cur array beside it).
struct WalkerState {
  Rng rng;
  Counters c;
  int rank;
  int start;
};

// New bests of the whole run: a walker whose best rank drops below best claims a record slot.
struct Sink {
  word_t* words;        // cap records of WORDS words
  long long* meta;      // cap records of (walker, rank, flips)
  unsigned int* count;
  int* best;
  int cap;
};

FW_HD int sink_claim(Sink& k, int rank) {
#ifdef __CUDA_ARCH__
  if (rank >= atomicMin(k.best, rank)) return -1;
  unsigned int slot = atomicAdd(k.count, 1u);
#else
  if (rank >= *k.best) return -1;
  *k.best = rank;
  unsigned int slot = (*k.count)++;
#endif
  return slot < (unsigned int)k.cap ? (int)slot : -1;
}

struct Mask { uint32_t w[K]; };

// Terms 32q..32q+31 that are live at this rank.
FW_HD uint32_t live_bits(int q, int rank) {
  int n = rank - 32 * q;
  return n >= 32 ? 0xffffffffu : n <= 0 ? 0u : (1u << n) - 1u;
}

// Position of the j-th set bit (j from 0) of x.
FW_HD int nth_bit(uint32_t x, int j) {
#ifdef __CUDA_ARCH__
  return (int)__fns(x, 0u, j + 1);
#else
  for (; j > 0; j--) x &= x - 1u;
  return ctz32(x);
#endif
}

// Index of the j-th set bit (j from 0) in term order. No early return and no indexing by a
// run-time value, so that the mask stays in registers.
FW_HD int kth_bit(const Mask& m, int j) {
  int res = -1;
  FW_UNROLL
  for (int q = 0; q < K; q++) {
    const int c = popc32(m.w[q]);
    if (res < 0 && j < c) res = 32 * q + nth_bit(m.w[q], j);
    if (res < 0) j -= c;
  }
  return res;
}

// Set bits of m before term t.
FW_HD int bits_before(const Mask& m, int t) {
  int n = 0;
  FW_UNROLL
  for (int q = 0; q < K; q++) n += popc32(m.w[q] & live_bits(q, t));
  return n;
}

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

// The result of a flip when no flippable node was found in PICK_TRIES draws.
static const int NO_FLIP = 1 << 20;

/**
 * One walker: DescentWalk.run of src/search/flip/descent.ts on a Store. home, best and start are
 * snapshots of WORDS words (global memory on the GPU: written at a new best, read on a return or
 * a restart, never in the flip loop).
 */
template <class Store>
struct Walk {
  // By value: a reference would take the store's address and push it, and the warp's registers,
  // into local memory.
  Store st;
  int rank;
  Rng rng;
  Counters c;
  Params p;
  word_t* home;
  word_t* best;
  const word_t* start;
  int startRank;
  long long restartFlips;
  Sink sink;
  int walker;
  // Term ids a caller still needs across kills (a kill moves the last term into the hole), -1 dead.
  // Scalars, not an array: an array indexed in a loop would put the walker in local memory.
  int w0, w1, w2, w3;
  long long* trace;

  FW_HD Walk(const Store& s, const WalkerState& w, const Params& prm, word_t* h, word_t* b, const word_t* st0, int r0, Sink k, int id)
      : st(s), rank(w.rank), rng(w.rng), c(w.c), p(prm), home(h), best(b), start(st0), startRank(r0), sink(k), walker(id), trace(0) {
    restartFlips = p.restartFlips < 0 ? 20000LL * r0 : p.restartFlips;
  }

  FW_HD void state_to(WalkerState& w) const { w.rng = rng; w.c = c; w.rank = rank; }

  FW_HD void kill(int t) {
    const int last = rank - 1;
    if (t != last) st.copy_term(t, last);
    rank--;
    w0 = w0 == t ? -1 : w0 == last ? t : w0;
    w1 = w1 == t ? -1 : w1 == last ? t : w1;
    w2 = w2 == t ? -1 : w2 == last ? t : w2;
    w3 = w3 == t ? -1 : w3 == last ? t : w3;
  }

  // Factor (t, s) just changed: a zero factor removes the term; a term sharing it and one more
  // factor with t takes t in: (a, b, z1) + (a, b, z2) = (a, b, z1 + z2), which may cascade.
  FW_HD void reduce_at(int t, int s) {
    for (;;) {
      if (st.get(s, t) == 0) { kill(t); return; }
      int u = st.merge_partner(s, t, rank);
      if (u < 0) return;
      const int k = st.get(S1(s), u) == st.get(S1(s), t) ? S2(s) : S1(s);
      const word_t v = st.get(k, u) ^ st.get(k, t);
      const int last = rank - 1;
      kill(t);
      if (u == last) u = t;
      st.set(k, u, v);
      t = u;
      s = k;
    }
  }

  // (x, y1, z1) + (x, y2, z2) -> (x, y1 + y2, z1) + (x, y2, z1 + z2) for terms t1, t2 sharing
  // slot s; then reduce (or, lazily, only drop a zero term). Returns the change of rank.
  FW_HD int flip(int s, int t1, int t2, bool reduce) {
    const int a = S1(s), b = S2(s), r0 = rank;
    st.set(a, t1, st.get(a, t1) ^ st.get(a, t2));
    st.set(b, t2, st.get(b, t2) ^ st.get(b, t1));
    if (reduce) {
      w3 = t2;
      reduce_at(t1, a);
      if (w3 >= 0) reduce_at(w3, b);
    } else {
      w3 = t1;
      if (st.get(b, t2) == 0) kill(t2);
      if (st.get(a, w3) == 0) kill(w3);
    }
    return rank - r0;
  }

  // A uniform flippable node and a uniform other member of its group, flipped; NO_FLIP if none found.
  FW_HD int random_flip(bool reduce) {
    for (int tries = 0; tries < PICK_TRIES; tries++) {
      const int x = (int)rng.below(3u * (uint32_t)rank), s = x % 3, t = x / 3;
      Mask m;
      const int k = st.partners(s, t, rank, m);
      if (k < 2) continue;
      // The j-th member other than t: skip t's own bit.
      int j = k > 2 ? (int)rng.below((uint32_t)(k - 1)) : 0;
      if (j >= bits_before(m, t)) j++;
      const int u = kth_bit(m, j);
#ifndef __CUDA_ARCH__
      const bool traced = trace && *trace > 0;
      if (traced) { (*trace)--; fprintf(stderr, "flip %d %d %d", s, t, u); }
#endif
      const int d = flip(s, t, u, reduce);
#ifndef __CUDA_ARCH__
      if (traced) fprintf(stderr, " %d\n", rank);
#endif
      return d;
    }
    return NO_FLIP;
  }

  // Split term t1 against t2 in slot s (rank + 1): x1 y z = (x1 + x2) y z + x2 y z, then flip the
  // second part with t2 (direction dir). false when not applicable.
  FW_HD bool plus(int s, int t1, int t2, int dir) {
    if (t1 == t2 || rank >= CAP) return false;
    const word_t x1 = st.get(s, t1), x2 = st.get(s, t2);
    if (x1 == x2) return false;
    const int f = rank;
    st.copy_term(f, t1);
    st.set(s, f, x1 ^ x2);
    rank++;
    st.set(s, t1, x2);
    w0 = t1; w1 = t2; w2 = f;
    if (dir == 0) flip(s, t1, t2, true);
    else flip(s, t2, t1, true);
    for (int i = 0; i < 9; i++) {
      const int t = i < 3 ? w0 : i < 6 ? w1 : w2;
      if (t >= 0) reduce_at(t, i % 3);
    }
    return true;
  }

  // Check every term after unchecked changes; passes until one removes nothing.
  FW_HD void reduce_all() {
    bool again = true;
    while (again) {
      again = false;
      for (int t = 0; t < rank; t++) {
        for (int q = 0; q < 3;) {
          const int r0 = rank;
          w3 = t;
          reduce_at(t, q);
          if (rank != r0) again = true;
          if (w3 == t) { q++; continue; }
          if (t >= rank) break;
          q = 0;  // another term now sits at t
        }
      }
    }
  }

  FW_HD void note_rank() {
    if (rank >= c.homeRank) return;
    c.homeRank = rank;
    c.sinceImprove = 0;
    st.save(home, rank);
    if (rank >= c.bestRank) return;
    c.bestRank = rank;
    st.save(best, rank);
    const int slot = st.claim(sink, rank);
    if (slot < 0) return;
    st.save(sink.words + (size_t)slot * WORDS, rank);
    sink.meta[3 * slot] = walker;
    sink.meta[3 * slot + 1] = rank;
    sink.meta[3 * slot + 2] = (long long)c.flips;
  }

  FW_HD void load(const word_t* snap, int r) {
    st.load(snap, r);
    rank = r;
  }

  // Leave a plateau: a plus transition, or back to the descent's best when too far above it.
  FW_HD void escape() {
    c.sinceReduction = 0;
    if (rank < c.homeRank + p.maxUp && rank < CAP && rank >= 2) {
      for (int tries = 0; tries < 1000; tries++) {
        const int s = (int)rng.below(3u), t1 = (int)rng.below((uint32_t)rank), t2 = (int)rng.below((uint32_t)rank);
        const int dir = (int)rng.below(2u);
        if (!plus(s, t1, t2, dir)) continue;
#ifndef __CUDA_ARCH__
        if (trace && *trace > 0) { (*trace)--; fprintf(stderr, "plus %d %d %d %d %d\n", s, t1, t2, dir, rank); }
#endif
        c.plusTransitions++;
        for (uint32_t i = 0; i < p.plusFlips; i++) random_flip(false);
        c.flips += p.plusFlips;
        c.sinceImprove += p.plusFlips;
        reduce_all();
        note_rank();
        return;
      }
    }
#ifndef __CUDA_ARCH__
    if (trace && *trace > 0) { (*trace)--; fprintf(stderr, "return %d\n", c.homeRank); }
#endif
    c.returns++;
    load(home, c.homeRank);
  }

  FW_HD void restart() {
#ifndef __CUDA_ARCH__
    if (trace && *trace > 0) { (*trace)--; fprintf(stderr, "restart %d\n", startRank); }
#endif
    c.restarts++;
    c.sinceImprove = c.sinceReduction = 0;
    load(start, startRank);
    c.homeRank = rank;
    st.save(home, rank);
  }

  // Until the walker has done maxFlips flips in all or reached the target rank.
  FW_HD void run(unsigned long long maxFlips) {
    while (c.flips < maxFlips && rank > p.target) {
      if (restartFlips > 0 && c.sinceImprove >= restartFlips) restart();
      else if (c.sinceReduction >= p.plateau) escape();
      int d = random_flip(true);
      if (d == NO_FLIP) {
        // No shared factor found: as the CPU walk with no flippable node, escape; the step counts.
        escape();
        d = 0;
      }
      c.flips++;
      c.sinceImprove++;
      if (d == 0) { c.sinceReduction++; continue; }
      c.sinceReduction = 0;
      c.reductions++;
      note_rank();
    }
  }
};
`;
