import cliProgress from 'cli-progress';

export interface ProgressInfo {
  rank: number;
  bestRank: number;
  targetRank: number;
  rate: number;
  rateUnit: string;
  elapsedMs: number;
  limitMs: number;
  note?: string;
}

/**
 * Progress of a long search: a live bar on a terminal, a plain line every few seconds otherwise
 * (logs and CI stay readable). Both write to stderr so stdout carries only results.
 */
export class Progress {
  private bar: cliProgress.SingleBar | null = null;
  private lastLine = 0;

  constructor(private readonly label: string, private readonly every = 5000, tty = Boolean(process.stderr.isTTY)) {
    if (tty) {
      this.bar = new cliProgress.SingleBar({
        format: `${label} |{bar}| {elapsed}s/{limit}s  best rank {best} (target {target})  {rate}  {note}`,
        stream: process.stderr,
        hideCursor: true,
      }, cliProgress.Presets.shades_classic);
    }
  }

  start(limitMs: number): void {
    this.bar?.start(Math.max(1, Math.round(limitMs / 1000)), 0, { elapsed: 0, limit: Math.round(limitMs / 1000), best: '-', target: '-', rate: '', note: '' });
  }

  update(p: ProgressInfo): void {
    const rate = `${formatRate(p.rate)} ${p.rateUnit}`;
    if (this.bar) {
      this.bar.update(Math.round(p.elapsedMs / 1000), { elapsed: (p.elapsedMs / 1000).toFixed(0), limit: Math.round(p.limitMs / 1000), best: p.bestRank, target: p.targetRank, rate, note: p.note ?? '' });
      return;
    }
    if (p.elapsedMs - this.lastLine < this.every) return;
    this.lastLine = p.elapsedMs;
    process.stderr.write(`${this.label}: ${(p.elapsedMs / 1000).toFixed(1)} s, best rank ${p.bestRank} (target ${p.targetRank}), ${rate}${p.note ? `, ${p.note}` : ''}\n`);
  }

  stop(): void {
    this.bar?.stop();
  }
}

function formatRate(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k`;
  return x.toFixed(1);
}
