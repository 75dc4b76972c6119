/**
 * Primes for delay lengths that share no common factor (distinct primes are mutually prime), so
 * the echoes of a feedback delay network do not pile up on common multiples.
 */

/** Set-up time: sieve of Eratosthenes; entry n is 1 when n is prime, for 0..limit. */
export function primeSieve(limit: number): Uint8Array {
  const sieve = new Uint8Array(limit + 1).fill(1);
  sieve[0] = 0;
  if (limit >= 1) sieve[1] = 0;
  for (let p = 2; p * p <= limit; p++) {
    if (sieve[p] === 0) continue;
    for (let m = p * p; m <= limit; m += p) sieve[m] = 0;
  }
  return sieve;
}

/**
 * The smallest prime >= n in the sieve, or the sieve's last index when there is none (integers
 * only, so it is safe per block). Audio thread: allocates nothing.
 */
export function primeAtLeast(sieve: Uint8Array, n: number): number {
  const last = sieve.length - 1;
  for (let m = Math.max(2, n); m <= last; m++) if (sieve[m] === 1) return m;
  return last;
}
