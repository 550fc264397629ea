/** Which way tags travel through the broker. */
export type BridgeDirection = 'both' | 'publish' | 'import';

export interface MqttBridgeOptions {
  /** `mqtt://`, `mqtts://`, `ws://` or `wss://` broker URL. */
  url: string;
  /** MQTT client id, also this instance's id in topics (`<prefix>/$instances/<clientId>`). */
  clientId: string;
  /** Topic prefix of the shared namespace, e.g. `plant/uns`. */
  prefix: string;
  /** Tag pattern of the local tags this instance publishes; empty = all of them. */
  publish?: string;
  /** Tag pattern of the remote tags this instance imports; empty = all of them. */
  import?: string;
  /** Tag pattern of the published tags other instances may write; empty = all writable ones. */
  remoteWrites?: string;
  direction?: BridgeDirection;
  username?: string;
  password?: string;
  /** PEM contents (not paths): CA, client certificate and key for mqtts / wss. */
  ca?: string;
  cert?: string;
  key?: string;
  /** Refuse a broker certificate that does not verify. Default true. */
  rejectUnauthorized?: boolean;
  /** How long a remote write waits for its owner's answer before it reports "outcome unknown". Default 5000 ms. */
  writeTimeoutMs?: number;
  /** How long a history request waits for the owner before the local ring answers. Default 5000 ms. */
  historyTimeoutMs?: number;
  /** Pause between reconnect attempts. Default 1000 ms. */
  reconnectPeriodMs?: number;
  /** Time allowed for one connect. Default 10000 ms. */
  connectTimeoutMs?: number;
  /** How long the owner remembers a write's correlation id to answer a repeat without applying it again. Default 10 min. */
  dedupeTtlMs?: number;
  /** Correlation ids remembered at most (oldest first out). Default 10000. */
  dedupeMaxEntries?: number;
  /** Samples one history answer carries at most. Default 1000. */
  historyMaxSamples?: number;
  /** How often the owner checks for published tags it no longer has (and clears their retained topic). Default 5000 ms. */
  reconcileIntervalMs?: number;
  /** Id of the import source in the tag space. Default `mqtt:<clientId>`. */
  sourceId?: string;
}

export const defaultBridgeOptions = {
  publish: '',
  import: '',
  remoteWrites: '',
  direction: 'both' as BridgeDirection,
  rejectUnauthorized: true,
  writeTimeoutMs: 5000,
  historyTimeoutMs: 5000,
  reconnectPeriodMs: 1000,
  connectTimeoutMs: 10_000,
  dedupeTtlMs: 10 * 60 * 1000,
  dedupeMaxEntries: 10_000,
  historyMaxSamples: 1000,
  reconcileIntervalMs: 5000,
};

export function isBrokerUrl(url: string): boolean {
  return /^(mqtts?|wss?):\/\/[^\s/]+/.test(url);
}
