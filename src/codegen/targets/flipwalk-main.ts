/**
 * The flipwalk program's driver (C++/CUDA): walker setup (seeds, start schemes), the two kernels
 * (thread per walker with the scheme in shared memory, warp per walker with the scheme in
 * registers), the host run of the same walk, the loop of timed chunks, and the outputs: records of
 * every new best rank, the pool of the best, final states, and a JSON summary with flips/s.
 */
export const FLIPWALK_MAIN = String.raw`
// Everything the walkers hold, in host memory (and mirrored on the GPU by the kernels' runs).
struct Run {
  long W = 0;
  std::vector<WalkerState> state;
  std::vector<word_t> cur, home, best, starts;
  std::vector<int> startRank;
  std::vector<word_t> recWords;
  std::vector<long long> recMeta;
  unsigned int nrec = 0;
  int gbest = 0;
};

static const int MAX_RECORDS = 4096;

// One chunk of every walker on this thread: in a ThreadStore over the walker's terms (--mode host),
// or in the warp layout with the warp emulated lane by lane (--mode warp-emu).
template <class Store>
static void host_walk(Run& r, long w, Store st, const Params& p, unsigned long long chunk, unsigned long long maxFlips, long long* trace) {
  WalkerState& s = r.state[w];
  st.load(&r.cur[w * WORDS], s.rank);
  Sink k{r.recWords.data(), r.recMeta.data(), &r.nrec, &r.gbest, MAX_RECORDS};
  Walk<Store> wk(st, s, p, &r.home[w * WORDS], &r.best[w * WORDS], &r.starts[s.start * WORDS], r.startRank[s.start], k, (int)w);
  if (w == 0) wk.trace = trace;
  wk.run(maxFlips - s.c.flips < chunk ? maxFlips : s.c.flips + chunk);
  wk.st.save(&r.cur[w * WORDS], wk.rank);
  wk.state_to(s);
}

static void host_chunk(Run& r, bool emu, const Params& p, unsigned long long chunk, unsigned long long maxFlips, long long* trace) {
  for (long w = 0; w < r.W; w++) {
    if (emu) host_walk(r, w, WarpStore<EmuWarp>{}, p, chunk, maxFlips, trace);
    else host_walk(r, w, ThreadStore{&r.cur[w * WORDS], 1}, p, chunk, maxFlips, trace);
  }
}

#ifdef __CUDACC__
#define CK(x) do { cudaError_t e_ = (x); if (e_ != cudaSuccess) fail("CUDA: %s (%s, line %d)", cudaGetErrorString(e_), #x, __LINE__); } while (0)

struct Dev {
  WalkerState* state;
  word_t *cur, *home, *best;
  const word_t* starts;
  const int* startRank;
  Sink sink;
  Params p;
  long walkers;
};

__global__ void walk_threads(Dev d, unsigned long long chunk, unsigned long long maxFlips) {
  extern __shared__ __align__(16) unsigned char fw_smem[];
  const long w = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (w >= d.walkers) return;
  ThreadStore st{reinterpret_cast<word_t*>(fw_smem) + threadIdx.x, (int)blockDim.x};
  WalkerState s = d.state[w];
  st.load(d.cur + w * WORDS, s.rank);
  Walk<ThreadStore> wk(st, s, d.p, d.home + w * WORDS, d.best + w * WORDS, d.starts + s.start * WORDS, d.startRank[s.start], d.sink, (int)w);
  wk.run(maxFlips - s.c.flips < chunk ? maxFlips : s.c.flips + chunk);
  wk.st.save(d.cur + w * WORDS, wk.rank);
  wk.state_to(s);
  d.state[w] = s;
}

__global__ void walk_warps(Dev d, unsigned long long chunk, unsigned long long maxFlips) {
  const long w = ((long)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
  if (w >= d.walkers) return;
  WarpStore<CudaWarp> st;
  st.w.lane = threadIdx.x & 31;
  WalkerState s = d.state[w];
  st.load(d.cur + w * WORDS, s.rank);
  Walk<WarpStore<CudaWarp>> wk(st, s, d.p, d.home + w * WORDS, d.best + w * WORDS, d.starts + s.start * WORDS, d.startRank[s.start], d.sink, (int)w);
  wk.run(maxFlips - s.c.flips < chunk ? maxFlips : s.c.flips + chunk);
  wk.st.save(d.cur + w * WORDS, wk.rank);
  wk.state_to(s);
  if (st.w.lane == 0) d.state[w] = s;
}

template <class T> static T* upload(const std::vector<T>& v) {
  T* p;
  CK(cudaMalloc(&p, v.size() * sizeof(T) + 16));
  CK(cudaMemcpy(p, v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice));
  return p;
}
template <class T> static void download(std::vector<T>& v, const T* p, size_t from, size_t n) {
  CK(cudaMemcpy(v.data() + from, p + from, n * sizeof(T), cudaMemcpyDeviceToHost));
}
#endif

static std::string json_str(const std::string& s) {
  std::string o = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') { o += '\\'; o += ch; }
    else if ((unsigned char)ch < 32) o += ' ';
    else o += ch;
  }
  return o + "\"";
}

static SchemeRec snapshot_rec(const word_t* w, int rank) {
  SchemeRec s;
  s.rank = rank;
  s.w.assign(w, w + WORDS);
  return s;
}

int main(int argc, char** argv) {
  Options o = parse_options(argc, argv);
#ifndef __CUDACC__
  if (o.mode != "host" && o.mode != "warp-emu") fail("this build has no GPU (compiled without nvcc): use --mode host or warp-emu");
#endif
  const bool host = o.mode == "host" || o.mode == "warp-emu";
  std::vector<SchemeRec> starts = o.start.empty() ? std::vector<SchemeRec>{naive_scheme()} : read_schemes(o.start.c_str());
  if (starts.empty()) fail("%s: holds no scheme", o.start.c_str());
  Run r;
  std::string device = "host CPU (one thread)";
  int block = o.block;
  long walkers = o.walkers;
#ifdef __CUDACC__
  cudaDeviceProp prop;
  if (!host) {
    CK(cudaSetDevice(0));
    CK(cudaGetDeviceProperties(&prop, 0));
    device = prop.name;
    if (o.mode == "thread") {
      if (!block) block = 64;
      const size_t smem = (size_t)block * WORDS * sizeof(word_t);
      if (smem > prop.sharedMemPerBlockOptin) fail("--block %d needs %zu bytes of shared memory; at most %zu fit", block, smem, (size_t)prop.sharedMemPerBlockOptin);
      CK(cudaFuncSetAttribute(walk_threads, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem));
      int per = 0;
      CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per, walk_threads, block, smem));
      if (!walkers) walkers = (long)per * block * prop.multiProcessorCount;
    } else {
      if (!block) block = 128;
      if (block % 32) fail("--block must be a multiple of 32 in warp mode");
      int per = 0;
      CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per, walk_warps, block, 0));
      if (!walkers) walkers = (long)per * (block / 32) * prop.multiProcessorCount;
    }
  }
#endif
  if (!walkers) walkers = 1;
  r.W = walkers;
  r.state.resize(walkers);
  r.cur.assign(walkers * WORDS, 0);
  r.home.assign(walkers * WORDS, 0);
  r.best.assign(walkers * WORDS, 0);
  r.recWords.assign((size_t)MAX_RECORDS * WORDS, 0);
  r.recMeta.assign(3 * MAX_RECORDS, 0);
  // Starts reduced as the CPU walk reduces a loaded scheme (and a start already at the target ends it).
  int lowest = 1 << 30;
  for (auto& s : starts) {
    WalkerState ws{};
    ws.rank = s.rank;
    ThreadStore st{s.w.data(), 1};
    Sink none{nullptr, nullptr, nullptr, nullptr, 0};
    Walk<ThreadStore> wk(st, ws, o.p, nullptr, nullptr, nullptr, s.rank, none, -1);
    wk.reduce_all();
    s.rank = wk.rank;
    r.starts.insert(r.starts.end(), s.w.begin(), s.w.end());
    r.startRank.push_back(s.rank);
    lowest = s.rank < lowest ? s.rank : lowest;
  }
  r.gbest = lowest;
  for (long w = 0; w < walkers; w++) {
    WalkerState& s = r.state[w];
    s.rng.seed(walker_seed(o.seed, (uint32_t)w));
    s.start = (int)(w % (long)starts.size());
    s.rank = r.startRank[s.start];
    s.c = Counters{0, 0, 0, s.rank, s.rank, 0, 0, 0, 0};
    for (auto* a : {&r.cur, &r.home, &r.best}) std::copy(&r.starts[s.start * WORDS], &r.starts[(s.start + 1) * WORDS], a->begin() + w * WORDS);
  }
#ifdef __CUDACC__
  Dev d{};
  if (!host) {
    d.state = upload(r.state);
    d.cur = upload(r.cur);
    d.home = upload(r.home);
    d.best = upload(r.best);
    d.starts = upload(r.starts);
    d.startRank = upload(r.startRank);
    d.sink.words = upload(r.recWords);
    d.sink.meta = upload(r.recMeta);
    d.sink.count = upload(std::vector<unsigned int>{0});
    d.sink.best = upload(std::vector<int>{r.gbest});
    d.sink.cap = MAX_RECORDS;
    d.p = o.p;
    d.walkers = walkers;
  }
  cudaEvent_t e0, e1;
  if (!host) { CK(cudaEventCreate(&e0)); CK(cudaEventCreate(&e1)); }
#endif
  if (!o.quiet) fprintf(stderr, "flipwalk <%d,%d,%d> over Z2 (rank bound %d): %s mode, %ld walkers, seed %u, target %d, %s\n", FW_N, FW_M, FW_P, CAP, o.mode.c_str(), walkers, o.seed, o.p.target, device.c_str());
  std::vector<SchemeRec> records;
  std::string firstReach;
  double kernelS = 0, toTarget = -1;
  unsigned long long chunk = 256, flips = 0;
  const auto t0 = std::chrono::steady_clock::now();
  auto wall = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  double lastPrint = 0;
  for (;;) {
    double ms = 0;
    if (host) {
      const auto a = std::chrono::steady_clock::now();
      host_chunk(r, o.mode == "warp-emu", o.p, chunk, o.maxFlips, o.trace ? &o.trace : nullptr);
      ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count();
    }
#ifdef __CUDACC__
    else {
      CK(cudaEventRecord(e0));
      if (o.mode == "thread") {
        const long blocks = (walkers + block - 1) / block;
        walk_threads<<<blocks, block, (size_t)block * WORDS * sizeof(word_t)>>>(d, chunk, o.maxFlips);
      } else {
        const long blocks = (walkers * 32 + block - 1) / block;
        walk_warps<<<blocks, block>>>(d, chunk, o.maxFlips);
      }
      CK(cudaGetLastError());
      CK(cudaEventRecord(e1));
      CK(cudaEventSynchronize(e1));
      float f;
      CK(cudaEventElapsedTime(&f, e0, e1));
      ms = f;
      download(r.state, d.state, 0, walkers);
      CK(cudaMemcpy(&r.nrec, d.sink.count, sizeof(unsigned int), cudaMemcpyDeviceToHost));
      CK(cudaMemcpy(&r.gbest, d.sink.best, sizeof(int), cudaMemcpyDeviceToHost));
      const size_t have = records.size(), now = r.nrec < (unsigned)MAX_RECORDS ? r.nrec : MAX_RECORDS;
      if (now > have) {
        download(r.recWords, d.sink.words, have * WORDS, (now - have) * WORDS);
        download(r.recMeta, d.sink.meta, have * 3, (now - have) * 3);
      }
    }
#endif
    kernelS += ms / 1000;
    flips = 0;
    bool allDone = true;
    for (auto& s : r.state) {
      flips += s.c.flips;
      if (s.c.flips < o.maxFlips && s.rank > o.p.target) allDone = false;
    }
    const size_t now = r.nrec < (unsigned)MAX_RECORDS ? r.nrec : MAX_RECORDS;
    if (now > records.size()) {
      for (size_t i = records.size(); i < now; i++) {
        SchemeRec s = snapshot_rec(&r.recWords[i * WORDS], (int)r.recMeta[3 * i + 1]);
        s.info = {{"walker", r.recMeta[3 * i]}, {"flips", r.recMeta[3 * i + 2]}};
        records.push_back(s);
        char buf[64];
        snprintf(buf, sizeof buf, "%s\"%d\": %.6f", firstReach.empty() ? "" : ", ", s.rank, kernelS);
        firstReach += buf;
      }
      write_atomic(o.out + "/records.txt", scheme_text(records));
    }
    if (toTarget < 0 && r.gbest <= o.p.target) toTarget = kernelS;
    if (!o.quiet && wall() - lastPrint >= 1) {
      lastPrint = wall();
      fprintf(stderr, "  %.1f s: %.3g flips, %.3g flips/s, best rank %d, chunk %llu\n", lastPrint, (double)flips, flips / kernelS, r.gbest, chunk);
    }
    if (r.gbest <= o.p.target || allDone || wall() >= o.timeLimit) break;
    // Chunks grow until one takes about chunkMs: short ones first, to time an early target finely.
    if (ms < o.chunkMs / 2 && chunk < (1ull << 40)) chunk *= 2;
  }
#ifdef __CUDACC__
  if (!host) {
    download(r.best, d.best, 0, walkers * WORDS);
    download(r.cur, d.cur, 0, walkers * WORDS);
  }
#endif
  if (records.empty()) write_atomic(o.out + "/records.txt", scheme_text(records));
  // The pool: distinct best schemes of the lowest rank reached, walker order.
  int bestRank = 1 << 30;
  for (auto& s : r.state) bestRank = s.c.bestRank < bestRank ? s.c.bestRank : bestRank;
  std::vector<SchemeRec> pool;
  std::set<std::vector<word_t>> seen;
  for (long w = 0; w < walkers && (long)pool.size() < o.pool; w++) {
    if (r.state[w].c.bestRank != bestRank) continue;
    SchemeRec s = snapshot_rec(&r.best[w * WORDS], bestRank);
    std::vector<std::vector<word_t>> terms;
    for (int t = 0; t < bestRank; t++) terms.push_back({s.w[t], s.w[CAP + t], s.w[2 * CAP + t]});
    std::sort(terms.begin(), terms.end());
    std::vector<word_t> key;
    for (auto& t : terms) key.insert(key.end(), t.begin(), t.end());
    if (!seen.insert(key).second) continue;
    s.info = {{"walker", w}};
    pool.push_back(s);
  }
  write_atomic(o.out + "/pool.txt", scheme_text(pool));
  if (o.final) {
    std::vector<SchemeRec> fin;
    for (long w = 0; w < walkers; w++) {
      const WalkerState& s = r.state[w];
      SchemeRec f = snapshot_rec(&r.cur[w * WORDS], s.rank);
      f.info = {{"walker", w}, {"flips", (long long)s.c.flips}, {"best", s.c.bestRank}, {"home", s.c.homeRank}, {"reductions", s.c.reductions},
        {"plus", s.c.plusTransitions}, {"returns", s.c.returns}, {"restarts", s.c.restarts},
        {"rng0", s.rng.s[0]}, {"rng1", s.rng.s[1]}, {"rng2", s.rng.s[2]}, {"rng3", s.rng.s[3]}};
      fin.push_back(f);
    }
    write_atomic(o.out + "/final.txt", scheme_text(fin));
  }
  char buf[1024];
  std::string js = "{";
  js += "\"kernel\": " + json_str(host ? "flipwalk-host" : "flipwalk-cuda") + ", \"mode\": " + json_str(o.mode);
  snprintf(buf, sizeof buf, ", \"format\": \"%d,%d,%d\", \"field\": \"Z2\", \"rank_bound\": %d, \"walkers\": %ld, \"block\": %d, \"seed\": %u, \"target\": %d", FW_N, FW_M, FW_P, CAP, walkers, block, o.seed, o.p.target);
  js += buf;
  snprintf(buf, sizeof buf, ", \"plateau\": %u, \"max_up\": %d, \"plus_flips\": %u, \"restart_flips\": %lld", o.p.plateau, o.p.maxUp, o.p.plusFlips, o.p.restartFlips);
  js += buf;
  snprintf(buf, sizeof buf, ", \"flips\": %llu, \"kernel_s\": %.6f, \"wall_s\": %.3f, \"flips_per_s\": %.6g, \"best_rank\": %d, \"reached_target\": %s", flips, kernelS, wall(), flips / (kernelS > 0 ? kernelS : 1e-9), bestRank, r.gbest <= o.p.target ? "true" : "false");
  js += buf;
  if (toTarget >= 0) snprintf(buf, sizeof buf, ", \"time_to_target_s\": %.6f", toTarget);
  else snprintf(buf, sizeof buf, ", \"time_to_target_s\": null");
  js += buf;
  snprintf(buf, sizeof buf, ", \"records\": %zu, \"pool\": %zu", records.size(), pool.size());
  js += buf;
  js += ", \"first_reach_s\": {" + firstReach + "}, \"device\": " + json_str(device) + ", \"command\": " + json_str(o.command) + "}\n";
  write_atomic(o.out + "/summary.json", js);
  fputs(js.c_str(), stdout);
  return 0;
}
`;
