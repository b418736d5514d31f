/** Integer helpers for the exact BigInt arithmetic of the verifier, the exact solvers and rounding. */

/** The greatest common divisor, ≥ 0 whatever the signs (gcd(0, 0) = 0). */
export function gcd(x: bigint, y: bigint): bigint {
  if (x < 0n) x = -x;
  if (y < 0n) y = -y;
  while (y) [x, y] = [y, x % y];
  return x;
}

/** The least common multiple of two positive integers. */
export function lcm(x: bigint, y: bigint): bigint {
  return (x / gcd(x, y)) * y;
}
