/** Quality of a value, as every protocol of the gateway can express it. */
export type Quality = 'good' | 'uncertain' | 'bad';

/** One sample of a tag: the value, when the source says it was taken, and how trustworthy it is. */
export interface TagValue {
  value: unknown;
  /** Milliseconds since the epoch, source time where the source has one. */
  timestamp: number;
  quality: Quality;
  /** Source-specific status text (an OPC UA status name, a Modbus exception), when not plain good. */
  status?: string;
}

/** What the tag space knows about a tag besides its value. */
export interface TagInfo {
  name: string;
  /** Id of the source that owns the tag. */
  source: string;
  /** 'number' | 'boolean' | 'string' | 'json' or a source type name (e.g. 'Double'). */
  dataType?: string;
  writable: boolean;
  description?: string;
  unit?: string;
  /** Datapoint type, for dialects that group tags by type (WinCC OA `_DPT`). */
  dpType?: string;
}

/** Where a source reports changes; handed to it by the tag space when it is added. */
export interface TagSink {
  update(name: string, value: TagValue): void;
  /**
   * The source's list of tags changed (tags appeared or went away). `gone` names the tags that went
   * away, when the source knows; without it the space checks every tag it holds of the source.
   */
  tagsChanged(gone?: readonly string[]): void;
}

/**
 * A provider of tags: flow tags, an OPC UA connection, a Modbus poller.
 * The tag space ref-counts watchers, so `watch`/`unwatch` are called once per tag, not per client.
 */
export interface TagSource {
  readonly id: string;
  /** Called once when added to a tag space; the source reports changes of watched tags to the sink. */
  attach(sink: TagSink): void;
  detach(): void;
  list(): TagInfo[];
  info(name: string): TagInfo | undefined;
  read(names: readonly string[]): Promise<TagValue[]>;
  /** Resolves only once the source has confirmed the write; rejects with a TagError otherwise. */
  write(name: string, value: unknown, timestamp?: number): Promise<void>;
  watch(name: string): void;
  unwatch(name: string): void;
  /** Source-side history (e.g. OPC UA HistoryRead); when absent the tag space's ring answers. */
  history?(name: string, from: number, to: number, max: number): Promise<TagValue[]>;
}

/** `write-failed`: the write did not take effect; `write-unknown`: it was sent and not answered, the source may have taken it. */
export type TagErrorCode = 'unknown-tag' | 'read-only' | 'bad-value' | 'source-unavailable' | 'write-failed' | 'write-unknown' | 'source-conflict';

/** A failure every dialect can map to its own error answer. */
export class TagError extends Error {
  constructor(public readonly code: TagErrorCode, message: string) {
    super(message);
    this.name = 'TagError';
  }
}

export type TagListener = (name: string, value: TagValue) => void;

/** Handle returned by subscribe; call `close()` to stop. Idempotent. */
export interface TagSubscription {
  close(): void;
}
