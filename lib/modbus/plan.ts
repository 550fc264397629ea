import { pointWidth, type Circuit } from './circuits';
import type { DeviceProfile, Table } from './profile';

/** One read request the poller sends: `count` registers or bits of one table from `start`, every `rate` cycles. */
export interface ReadBlock {
  unit: number;
  table: Table;
  start: number;
  count: number;
  rate: number;
}

/** Protocol limits of one read (FC3/FC4: 125 registers; FC1/FC2: 2000 bits). */
const maxSpan: Record<Table, number> = { holding: 125, input: 125, coil: 2000, discrete: 2000 };

export type ReadLayout = Pick<DeviceProfile, 'readable' | 'maxGap'>;

/**
 * Plans the fewest reads that cover every point of the circuits. Each address is read at the fastest
 * rate any point asks for it; addresses of one rate are merged greedily left to right, which is optimal
 * for "one request covers a span of at most N addresses inside one readable range".
 */
export function planBlocks(unit: number, circuits: readonly Circuit[], layout: ReadLayout = {}): ReadBlock[] {
  const wanted = new Map<Table, Map<number, number>>();
  for (const circuit of circuits) {
    if (circuit.unit !== unit) continue;
    for (const point of Object.values(circuit.points)) {
      const rates = wanted.get(point.table) ?? new Map<number, number>();
      wanted.set(point.table, rates);
      for (let offset = 0; offset < pointWidth(point); offset++) {
        const address = point.address + offset;
        rates.set(address, Math.min(rates.get(address) ?? Infinity, point.rate));
      }
    }
  }
  const blocks: ReadBlock[] = [];
  for (const [table, rates] of wanted) {
    const byRate = new Map<number, number[]>();
    for (const [address, rate] of rates) {
      const list = byRate.get(rate) ?? [];
      list.push(address);
      byRate.set(rate, list);
    }
    for (const [rate, addresses] of [...byRate].sort((a, b) => a[0] - b[0])) {
      addresses.sort((a, b) => a - b);
      let block: ReadBlock | undefined;
      for (const address of addresses) {
        if (block && canExtend(block, address, table, layout)) {
          block.count = address - block.start + 1;
        } else {
          block = { unit, table, start: address, count: 1, rate };
          blocks.push(block);
        }
      }
    }
  }
  return blocks;
}

function canExtend(block: ReadBlock, address: number, table: Table, layout: ReadLayout): boolean {
  if (address - block.start + 1 > maxSpan[table]) return false;
  const ranges = layout.readable?.[table];
  if (ranges) return ranges.some(([from, to]) => block.start >= from && address <= to);
  return address - (block.start + block.count) <= (layout.maxGap ?? 0);
}

/** Reads per poll cycle, averaged over a whole period of the rates (what a poller costs the bus). */
export function requestsPerCycle(blocks: readonly ReadBlock[]): number {
  return blocks.reduce((sum, block) => sum + 1 / block.rate, 0);
}
