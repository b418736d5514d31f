/**
 * The base of the flipwalk program (C++, CUDA where __CUDACC__ is defined): the word type, the
 * rank bound's constants, bit helpers, stlkit's random numbers, the walk's parameters and counters,
 * the record sink and the term masks. The stores are in flipwalk-stores.ts, the walk in
 * flipwalk-walk.ts.
 */
export const FLIPWALK_BASE = String.raw`
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

`;
