import type { ClientSession, DataValue, ReadValueIdOptions } from 'node-opcua';
import { notConnected } from './status';

interface PendingRead {
  item: ReadValueIdOptions;
  resolve(value: DataValue): void;
  reject(error: unknown): void;
}

/**
 * Merges the reads asked for in one event-loop turn into one Read service call, split only at the
 * server's MaxNodesPerRead. Many clients polling the same gateway then cost one round trip per turn.
 */
export class ReadBatcher {
  private pending: PendingRead[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  /** Read service calls made so far (for tests and benchmarks). */
  readCalls = 0;

  constructor(
    private readonly session: () => ClientSession | undefined,
    private readonly maxNodesPerRead: () => number,
  ) {}

  read(item: ReadValueIdOptions): Promise<DataValue> {
    return new Promise<DataValue>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Fails every read not yet sent (the connection is closing). */
  dispose(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const pending = this.pending;
    this.pending = [];
    for (const read of pending) read.reject(notConnected('the OPC UA connection was closed'));
  }

  private flush(): void {
    this.scheduled = undefined;
    const batch = this.pending;
    this.pending = [];
    const session = this.session();
    if (!session) {
      for (const read of batch) read.reject(notConnected());
      return;
    }
    const limit = Math.max(1, this.maxNodesPerRead());
    for (let start = 0; start < batch.length; start += limit) void this.send(session, batch.slice(start, start + limit));
  }

  private async send(session: ClientSession, chunk: PendingRead[]): Promise<void> {
    this.readCalls++;
    try {
      const values = await session.read(chunk.map((read) => read.item), 0);
      chunk.forEach((read, index) => read.resolve(values[index]));
    } catch (error) {
      for (const read of chunk) read.reject(error);
    }
  }
}
