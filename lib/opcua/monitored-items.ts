import { AttributeIds, ClientMonitoredItem, DataValue, StatusCodes, TimestampsToReturn, type ClientSubscription, type NodeId, type StatusCode } from 'node-opcua';

export type DataChangeListener = (value: DataValue) => void;

export interface MonitorHandle {
  close(): void;
}

/** A NodeId, or its text form resolved when the item is created (namespace URIs need a session). */
export type NodeTarget = NodeId | string;

interface Entry {
  key: string;
  target: NodeTarget;
  attributeId: number;
  samplingInterval: number;
  listeners: Set<DataChangeListener>;
  item: ClientMonitoredItem | undefined;
  last: DataValue | undefined;
}

/**
 * One monitored item per (node, attribute, sampling interval) however many listeners want it, created
 * in the connection's one subscription and deleted when the last listener leaves. Entries outlive the
 * session: while disconnected they wait, and they are created again in the next subscription.
 */
export class MonitoredItems {
  private readonly entries = new Map<string, Entry>();
  private subscription: ClientSubscription | undefined;

  constructor(private readonly resolve: (target: NodeTarget) => NodeId) {}

  /** Distinct (node, attribute, interval) entries that someone listens to. */
  get size(): number {
    return this.entries.size;
  }

  /** Items that currently exist in the server's subscription. */
  get liveItems(): number {
    let count = 0;
    for (const entry of this.entries.values()) if (entry.item) count++;
    return count;
  }

  add(target: NodeTarget, samplingInterval: number, listener: DataChangeListener, attributeId: number = AttributeIds.Value): MonitorHandle {
    const key = `${target.toString()}|${attributeId}|${samplingInterval}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { key, target, attributeId, samplingInterval, listeners: new Set(), item: undefined, last: undefined };
      this.entries.set(key, entry);
      if (this.subscription) this.create(entry, this.subscription);
    }
    entry.listeners.add(listener);
    // A newcomer to a shared item hears the current value at once, as the first listener did.
    const last = entry.last;
    if (last) queueMicrotask(() => { if (entry.listeners.has(listener)) listener(last); });
    let open = true;
    const owner = entry;
    return {
      close: () => {
        if (!open) return;
        open = false;
        owner.listeners.delete(listener);
        if (owner.listeners.size > 0 || this.entries.get(owner.key) !== owner) return;
        this.entries.delete(owner.key);
        const item = owner.item;
        owner.item = undefined;
        item?.removeAllListeners();
        item?.terminate().catch(() => undefined);
      },
    };
  }

  /** A new subscription exists (first connect, or a session that could not be repaired): create every item in it. */
  attach(subscription: ClientSubscription): void {
    this.subscription = subscription;
    for (const entry of this.entries.values()) this.create(entry, subscription);
  }

  /** The subscription is gone with its session; the entries stay for the next one. */
  detach(): void {
    this.subscription = undefined;
    for (const entry of this.entries.values()) {
      entry.item?.removeAllListeners();
      entry.item = undefined;
    }
  }

  /** Drops everything (the connection closes for good). */
  clear(): void {
    this.detach();
    this.entries.clear();
  }

  private create(entry: Entry, subscription: ClientSubscription): void {
    let nodeId: NodeId;
    try {
      nodeId = this.resolve(entry.target);
    } catch {
      this.deliver(entry, new DataValue({ statusCode: StatusCodes.BadNodeIdUnknown, serverTimestamp: new Date() }));
      return;
    }
    const item = ClientMonitoredItem.create(
      subscription,
      { nodeId, attributeId: entry.attributeId },
      { samplingInterval: entry.samplingInterval, queueSize: 1, discardOldest: true },
      TimestampsToReturn.Both,
    );
    entry.item = item;
    item.on('changed', (value: DataValue) => this.deliver(entry, value));
    item.on('err', (message: string) => this.deliver(entry, new DataValue({ statusCode: statusFromMessage(message), serverTimestamp: new Date() })));
  }

  private deliver(entry: Entry, value: DataValue): void {
    entry.last = value;
    for (const listener of [...entry.listeners]) {
      try {
        listener(value);
      } catch {
        // One faulty listener must not starve the others.
      }
    }
  }
}

/** node-opcua reports a refused item as text; the status name is in it. */
function statusFromMessage(message: string): StatusCode {
  const name = /Bad[A-Za-z]+/.exec(String(message))?.[0];
  const codes = StatusCodes as unknown as Record<string, StatusCode | undefined>;
  return (name && codes[name]) || StatusCodes.BadInternalError;
}
