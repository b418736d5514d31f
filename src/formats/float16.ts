/**
 * The 16-bit float formats of tensor files (.npy float16, safetensors F16 and BF16), converted
 * to and from JavaScript numbers bit-exactly: every half or bfloat16 value is a float64.
 */

/** IEEE half precision → number (subnormals, infinities and NaN included). */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Nearest integer, ties to even; y ≥ 0 and below 2^53, so y − ⌊y⌋ is exact. */
function roundTiesEven(y: number): number {
  const f = Math.floor(y), d = y - f;
  return d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
}

/**
 * number → IEEE half bits, rounded once to nearest, ties to even (as numpy's astype(float16)):
 * beyond the largest half, 65504, values from the midpoint 65520 on become ±∞; NaN stays NaN.
 */
export function numberToHalf(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00;
  // Subnormal range: multiples of 2^-24 (scaling by a power of two is exact). A result of 1024 is
  // the smallest normal, whose bits are the same 0x0400.
  if (a < 2 ** -14) return sign | roundTiesEven(a * 2 ** 24);
  let e = Math.floor(Math.log2(a));
  // log2 may be off by one next to a power of two; fix e so that 2^e ≤ a < 2^(e+1).
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  // m in [1024, 2048]; 2048 carries into the exponent, which the addition below does by itself.
  const m = roundTiesEven(a * 2 ** (10 - e));
  return sign | (((e + 15) << 10) + (m - 1024));
}

/** bfloat16 is the top half of a float32. */
export function bfloat16ToNumber(h: number): number {
  const f = new Float32Array(1);
  new Uint32Array(f.buffer)[0] = (h & 0xffff) << 16;
  return f[0];
}
