/** Plain-text table: columns padded to their widest cell, numbers right-aligned. */
export function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const width = head.map((_, c) => Math.max(...cells.map((r) => [...(r[c] ?? '')].length)));
  const numeric = head.map((_, c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number'));
  const line = (r: string[]) => r.map((x, c) => (numeric[c] ? x.padStart(width[c]) : x.padEnd(width[c]))).join('  ').trimEnd();
  return [line(head), line(width.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

/** Write to stdout; JSON output is one document, pretty enough to read. */
export function print(s: string): void {
  process.stdout.write(s.endsWith('\n') ? s : s + '\n');
}
export function printJson(x: unknown): void {
  print(JSON.stringify(x, null, 2));
}
export function printErr(s: string): void {
  process.stderr.write(s.endsWith('\n') ? s : s + '\n');
}
