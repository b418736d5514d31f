/**
 * The walk of the flipwalk program (C++): one template over the store (flipwalk-stores.ts), so the
 * host build runs the very code the GPU does.
 *
 * The walk is stlkit's flip-graph descent (src/search/flip/descent.ts, state.ts) on a dense term
 * array: terms 0..rank-1, a removed term replaced by the last one. Flips are found by rejection: a
 * uniform node (term, slot) is drawn until its factor is shared (uniform over flippable nodes, as
 * the CPU walk samples), no table of groups. Every random choice is made on uniform values, so a
 * warp's 32 lanes make the same choices and both stores give the same walk for a seed.
 */
export const FLIPWALK_WALK = String.raw`
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
