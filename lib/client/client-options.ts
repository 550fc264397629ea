import type { OutgoingHttpHeaders } from 'node:http';

export type ClientMode = 'plain' | 'zato';
export type DataFormat = 'json' | 'text';

export interface ClientTls {
  /** Extra CA certificates (PEM) to trust, e.g. a private CA. */
  ca?: string | Buffer;
  /** Client certificate and key (PEM) for servers that ask for one. */
  cert?: string | Buffer;
  key?: string | Buffer;
  passphrase?: string;
  /** False accepts self-signed and otherwise unverifiable server certificates. */
  rejectUnauthorized?: boolean;
}

export interface ClientLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** One outgoing WebSocket connection (docs/protocols/zato.md). Times are in milliseconds. */
export interface GatewayClientOptions {
  url: string;
  mode: ClientMode;
  /** Reconnect after an established connection closed; the first connection is always retried. */
  autoReconnect: boolean;
  headers?: OutgoingHttpHeaders;
  subprotocol?: string;
  /** Zato mode: sent in create-session; plain mode: an `Authorization: Basic` header. */
  username?: string;
  secret?: string;
  tls?: ClientTls;
  /** Zato pub/sub topics subscribed after every session. */
  subscriptions: readonly string[];
  /** The service that subscribes this client to a topic (`{topic_name}` as its request). */
  subscribeService: string;
  /** Our own pings (payload `{}`); 0 = none. */
  pingIntervalMs: number;
  /** Consecutive pings without a pong that count as a dead connection (closed with 4002). */
  pingsMissedThreshold: number;
  /** How long invoke waits for its reply, and send / invoke for a connection. */
  responseTimeoutMs: number;
  /** How long the create-session round trip (and the WebSocket handshake) may take. */
  sessionTimeoutMs: number;
  /** How long a flow may take to answer a request of the server before the client answers null itself. */
  requestReplyTimeoutMs: number;
  dataFormat: DataFormat;
  /**
   * Plain mode: the JSON field that carries a request id and comes back in its reply (e.g. `id`).
   * With it, invoke works on plain connections too; without it, plain invoke is refused.
   */
  correlationField?: string;
  clientId: string;
  clientName: string;
  reconnectFirstMs: number;
  reconnectMaxMs: number;
  /** A connection that stayed up this long resets the back-off to its first delay. */
  reconnectResetMs: number;
  log?: ClientLogger;
}

export const clientDefaults = {
  autoReconnect: true,
  subscriptions: [] as readonly string[],
  subscribeService: 'zato.pubsub.subscription.create-wsx-subscription',
  pingIntervalMs: 45_000,
  pingsMissedThreshold: 2,
  responseTimeoutMs: 5_000,
  sessionTimeoutMs: 5_000,
  // Zato's channel waits 5 s for a client-response: answer before it gives up.
  requestReplyTimeoutMs: 4_000,
  dataFormat: 'json' as DataFormat,
  reconnectFirstMs: 2_000,
  reconnectMaxMs: 60_000,
  reconnectResetMs: 30_000,
} as const;

/** Close codes the client itself uses (Zato 3.3 uses 4002 for missed pings on the channel side). */
export const ClientCloseCode = {
  pingsMissed: 4002,
  sessionTimeout: 4003,
  abnormal: 1006,
} as const;
