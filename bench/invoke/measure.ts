import { performance } from 'node:perf_hooks';
import { percentile } from '../support/percentile';

export interface Measurement {
  name: string;
  concurrency: number;
  invocations: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Runs `total` calls of `invoke` with `concurrency` of them in flight at any time (each worker starts
 * the next call as soon as its previous one is answered) and returns throughput and latency percentiles.
 */
export async function measure(name: string, concurrency: number, total: number, invoke: (index: number) => Promise<void>): Promise<Measurement> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total) {
      const index = next++;
      const begin = performance.now();
      await invoke(index);
      latencies.push(performance.now() - begin);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - started;
  return {
    name,
    concurrency,
    invocations: total,
    perSecond: Math.round((total / elapsed) * 1000),
    p50Ms: roundMicros(percentile(latencies, 50)),
    p99Ms: roundMicros(percentile(latencies, 99)),
  };
}

function roundMicros(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
