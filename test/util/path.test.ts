import { createHash } from 'node:crypto';
import * as posix from 'node:path/posix';
import { describe, expect, it } from 'vitest';
import { basename, dirname, extname, join } from '../../src/util/path.ts';
import { sha256Hex } from '../../src/util/sha256.ts';

describe('util/path: the node:path results importers rely on, without node:path', () => {
  const paths = ['a/b/c.exp', 'c.exp', '/c.exp', '../shared/x/2x2x2_7_L.sms', 'x.tensor.mpl', '.bashrc', 'a.', 'noext', 'dir/', 'a/b.c/d', '/', '', '../x/y/'];
  it.each(paths)('%s', (p) => {
    expect(basename(p)).toBe(posix.basename(p));
    expect(dirname(p)).toBe(posix.dirname(p));
    expect(extname(p)).toBe(posix.extname(p));
    expect(join(dirname(p), 'y_R.sms')).toBe(posix.join(posix.dirname(p), 'y_R.sms'));
  });
});

describe('util/sha256', () => {
  it('matches node:crypto on empty, short, block-boundary and non-ASCII input', () => {
    const inputs = ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'a'.repeat(1000), JSON.stringify({ t: 2, EX: [[1, -0.5]] }), 'κ √ ∑ 𝔽'];
    for (const s of inputs) expect(sha256Hex(s), s.slice(0, 20)).toBe(createHash('sha256').update(s).digest('hex'));
  });
});
