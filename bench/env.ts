// Bench knobs come from the environment (BENCH_*, FUZZ_*): one reader, so every bench refuses a bad value the
// same way instead of running with NaN.

/** An integer from the environment, `def` when unset or empty; at least `min` (1 unless said otherwise). */
export function envInt(name: string, def: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min} (got "${raw}")`);
  return n;
}
