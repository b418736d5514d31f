/**
 * The flipwalk program's files and options (C++): the stlkit-flipwalk text format (read for start
 * schemes, written for records, the pool and final states; see docs/flipwalk.md), its checksum,
 * atomic writes, the naive start, and the command line.
 */
export const FLIPWALK_IO = String.raw`
[[noreturn]] static void fail(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "flipwalk: ");
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

static const int BITS[3] = {FW_N * FW_M, FW_M * FW_P, FW_N * FW_P};

// FNV-1a (32 bits) of the text before the end line: a truncated or altered file fails it.
static uint32_t fnv1a(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char ch : s) { h ^= ch; h *= 16777619u; }
  return h;
}

// One scheme of a file: its terms as WORDS words (factor s of term t at s*CAP + t) and the
// "key value" pairs after its rank (walker, flips, and the counters of a final state).
struct SchemeRec {
  int rank = 0;
  std::vector<std::pair<std::string, long long>> info;
  std::vector<word_t> w;
};

static std::string scheme_text(const std::vector<SchemeRec>& v) {
  std::string o;
  char buf[256];
  snprintf(buf, sizeof buf, "stlkit-flipwalk 1\nformat %d %d %d\nfield Z2\n", FW_N, FW_M, FW_P);
  o += buf;
  for (size_t i = 0; i < v.size(); i++) {
    snprintf(buf, sizeof buf, "scheme %zu rank %d", i, v[i].rank);
    o += buf;
    for (auto& kv : v[i].info) {
      snprintf(buf, sizeof buf, " %s %lld", kv.first.c_str(), kv.second);
      o += buf;
    }
    o += '\n';
    for (int t = 0; t < v[i].rank; t++) {
      snprintf(buf, sizeof buf, FW_WORD_FMT " " FW_WORD_FMT " " FW_WORD_FMT "\n", v[i].w[t], v[i].w[CAP + t], v[i].w[2 * CAP + t]);
      o += buf;
    }
  }
  snprintf(buf, sizeof buf, "end %zu %08x\n", v.size(), fnv1a(o));
  return o + buf;
}

// Write to a temporary file beside path, then rename: readers never see half a file.
static void write_atomic(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  FILE* f = fopen(tmp.c_str(), "wb");
  if (!f || fwrite(text.data(), 1, text.size(), f) != text.size() || fclose(f) != 0) fail("%s: cannot write", tmp.c_str());
  if (rename(tmp.c_str(), path.c_str()) != 0) fail("%s: cannot rename to %s", tmp.c_str(), path.c_str());
}

static std::vector<SchemeRec> read_schemes(const char* path) {
  FILE* f = fopen(path, "rb");
  if (!f) fail("%s: cannot open", path);
  std::string text;
  char chunk[65536];
  size_t got;
  while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) text.append(chunk, got);
  fclose(f);
  std::vector<SchemeRec> out;
  size_t pos = 0;
  int line = 0;
  auto next = [&](std::string& l) {
    if (pos >= text.size()) fail("%s: truncated after line %d (no end line)", path, line);
    size_t e = text.find('\n', pos);
    if (e == std::string::npos) fail("%s: line %d: truncated (no newline)", path, line + 1);
    l = text.substr(pos, e - pos);
    pos = e + 1;
    line++;
  };
  std::string l;
  next(l);
  if (l != "stlkit-flipwalk 1") fail("%s: line 1: expected 'stlkit-flipwalk 1'", path);
  next(l);
  int n, m, p;
  if (sscanf(l.c_str(), "format %d %d %d", &n, &m, &p) != 3) fail("%s: line 2: expected 'format n m p'", path);
  if (n != FW_N || m != FW_M || p != FW_P) fail("%s: holds <%d,%d,%d>; this program was generated for <%d,%d,%d>", path, n, m, p, FW_N, FW_M, FW_P);
  next(l);
  if (l != "field Z2") fail("%s: line 3: expected 'field Z2'", path);
  for (;;) {
    const size_t at = pos;
    next(l);
    unsigned long count;
    unsigned int hash;
    if (sscanf(l.c_str(), "end %lu %x", &count, &hash) == 2) {
      if (count != out.size()) fail("%s: line %d: end line counts %lu schemes, the file has %zu", path, line, count, out.size());
      if (hash != fnv1a(text.substr(0, at))) fail("%s: checksum mismatch (the file was altered or cut)", path);
      return out;
    }
    SchemeRec s;
    unsigned long idx;
    int used = 0;
    if (sscanf(l.c_str(), "scheme %lu rank %d%n", &idx, &s.rank, &used) != 2 || idx != out.size()) fail("%s: line %d: expected 'scheme %zu rank R'", path, line, out.size());
    if (s.rank < 1 || s.rank > CAP) fail("%s: line %d: rank %d is outside 1..%d, the rank bound of this program", path, line, s.rank, CAP);
    s.w.assign(WORDS, 0);
    for (int t = 0; t < s.rank; t++) {
      next(l);
      const char* c = l.c_str();
      for (int q = 0; q < 3; q++) {
        char* e;
        errno = 0;
        const unsigned long long x = strtoull(c, &e, 16);
        if (e == c || errno || (BITS[q] < 64 && x >> BITS[q])) fail("%s: line %d: expected three hexadecimal factors of %d, %d, %d bits", path, line, BITS[0], BITS[1], BITS[2]);
        s.w[q * CAP + t] = (word_t)x;
        c = e;
      }
      if (*c) fail("%s: line %d: expected three hexadecimal factors", path, line);
    }
    out.push_back(s);
  }
}

// The naive algorithm: A[i][j] B[j][k] into C[i][k], in stlkit's term order.
static SchemeRec naive_scheme() {
  SchemeRec s;
  s.rank = FW_N * FW_M * FW_P;
  if (s.rank > CAP) fail("the naive algorithm has %d terms; this program's rank bound is %d", s.rank, CAP);
  s.w.assign(WORDS, 0);
  int t = 0;
  for (int i = 0; i < FW_N; i++)
    for (int j = 0; j < FW_M; j++)
      for (int k = 0; k < FW_P; k++, t++) {
        s.w[t] = (word_t)1 << (i * FW_M + j);
        s.w[CAP + t] = (word_t)1 << (j * FW_P + k);
        s.w[2 * CAP + t] = (word_t)1 << (i * FW_P + k);
      }
  return s;
}

struct Options {
  std::string mode = "thread";
  long walkers = 0;
  uint32_t seed = 1;
  double timeLimit = 60;
  unsigned long long maxFlips = ~0ull;
  std::string start, out = ".";
  Params p = {0, FW_PLATEAU, FW_MAX_UP, FW_PLUS_FLIPS, -1};
  int block = 0;
  double chunkMs = 200;
  long pool = 256;
  long long trace = 0;
  bool final = false, quiet = false;
  std::string command;
};

static const char* USAGE =
  "usage: flipwalk [--mode thread|warp|host|warp-emu] [--walkers W] [--seed S] [--target R] [--time-limit SEC]\n"
  "  [--max-flips F] [--start FILE] [--out DIR] [--plateau N] [--max-up N] [--plus-flips N]\n"
  "  [--restart-flips N] [--block B] [--chunk-ms MS] [--pool N] [--trace N] [--final] [--quiet]\n";

static double num_arg(const char* name, const char* v, double lo) {
  char* e;
  const double x = strtod(v, &e);
  if (e == v || *e || !(x >= lo)) fail("%s expects a number >= %g, got '%s'", name, lo, v);
  return x;
}

static Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 0; i < argc; i++) o.command += (i ? " " : "") + std::string(argv[i]);
  for (int i = 1; i < argc; i++) {
    const std::string a = argv[i];
    if (a == "--help") { fputs(USAGE, stdout); exit(0); }
    if (a == "--final") { o.final = true; continue; }
    if (a == "--quiet") { o.quiet = true; continue; }
    if (i + 1 >= argc) fail("%s needs a value\n%s", a.c_str(), USAGE);
    const char* v = argv[++i];
    if (a == "--mode") {
      o.mode = v;
      if (o.mode != "thread" && o.mode != "warp" && o.mode != "host" && o.mode != "warp-emu") fail("--mode expects thread, warp, host or warp-emu, got '%s'", v);
    } else if (a == "--walkers") o.walkers = (long)num_arg("--walkers", v, 1);
    else if (a == "--seed") o.seed = (uint32_t)num_arg("--seed", v, 0);
    else if (a == "--target") o.p.target = (int)num_arg("--target", v, 0);
    else if (a == "--time-limit") o.timeLimit = num_arg("--time-limit", v, 0);
    else if (a == "--max-flips") o.maxFlips = (unsigned long long)num_arg("--max-flips", v, 0);
    else if (a == "--start") o.start = v;
    else if (a == "--out") o.out = v;
    else if (a == "--plateau") o.p.plateau = (uint32_t)num_arg("--plateau", v, 1);
    else if (a == "--max-up") o.p.maxUp = (int)num_arg("--max-up", v, 0);
    else if (a == "--plus-flips") o.p.plusFlips = (uint32_t)num_arg("--plus-flips", v, 0);
    else if (a == "--restart-flips") o.p.restartFlips = (long long)num_arg("--restart-flips", v, 0);
    else if (a == "--block") o.block = (int)num_arg("--block", v, 1);
    else if (a == "--chunk-ms") o.chunkMs = num_arg("--chunk-ms", v, 1);
    else if (a == "--pool") o.pool = (long)num_arg("--pool", v, 1);
    else if (a == "--trace") o.trace = (long long)num_arg("--trace", v, 0);
    else fail("unknown option %s\n%s", a.c_str(), USAGE);
  }
  return o;
}
`;
