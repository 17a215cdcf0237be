/**
 * `npm run bench -- soak`: the load test at 2,000 frames/s for 10 minutes with intercept rules on
 * the forwarding path and the panel's filtered index following the store (bench/load.ts, soak
 * mode). Prints the live heap after GC every 10 s; fails unless it stays flat once the store is
 * full, handles and listeners do not grow, and nothing is lost, reordered or altered.
 * Env: BENCH_SOAK_RATE (default 2000), BENCH_SOAK_SECONDS (default 600), BENCH_SOAK_CAPACITY
 * (default 100000), BENCH_SOAK_MAX_BYTES (default 64 MiB), BENCH_SOAK_RSS_MB (default 512).
 */
import { runLoad } from './load';

const MB = 1024 * 1024;

export function run(): Promise<object> {
  return runLoad({
    rate: Number(process.env.BENCH_SOAK_RATE ?? 2000),
    seconds: Number(process.env.BENCH_SOAK_SECONDS ?? 600),
    capacity: Number(process.env.BENCH_SOAK_CAPACITY ?? 100_000),
    maxBytes: Number(process.env.BENCH_SOAK_MAX_BYTES ?? 64 * MB),
    drainSeconds: 30,
    rssBoundMB: Number(process.env.BENCH_SOAK_RSS_MB ?? 512),
    soak: true,
  });
}
