import { GatewayClient, type ClientCloseEvent, type ClientMessageEvent, type ClientState, type GatewayClientOptions } from '../../../lib/client';

/** Timings short enough for tests; each test overrides what it is about. */
export function fastOptions(url: string, overrides: Partial<GatewayClientOptions> = {}): GatewayClientOptions {
  return {
    url,
    mode: 'zato',
    autoReconnect: true,
    subscriptions: [],
    subscribeService: 'zato.pubsub.subscription.create-wsx-subscription',
    pingIntervalMs: 0,
    pingsMissedThreshold: 2,
    responseTimeoutMs: 1000,
    sessionTimeoutMs: 1000,
    requestReplyTimeoutMs: 300,
    dataFormat: 'json',
    clientId: 'wsx.out.0badc0de',
    clientName: 'WSX outconn - test',
    reconnectFirstMs: 30,
    reconnectMaxMs: 200,
    reconnectResetMs: 60_000,
    ...overrides,
  };
}

/** A client with a record of every event it emitted, in order. */
export class RecordingClient {
  readonly client: GatewayClient;
  readonly events: Array<{ hook: 'connect' } | { hook: 'message'; event: ClientMessageEvent } | { hook: 'close'; event: ClientCloseEvent }> = [];
  readonly states: ClientState[] = [];

  constructor(options: GatewayClientOptions) {
    this.client = new GatewayClient(options);
    this.client.on('connect', () => this.events.push({ hook: 'connect' }));
    this.client.on('message', (event) => this.events.push({ hook: 'message', event }));
    this.client.on('close', (event) => this.events.push({ hook: 'close', event }));
    this.client.on('state', (state) => this.states.push(state));
  }

  hooks(): string[] {
    return this.events.map((event) => event.hook);
  }

  messages(): ClientMessageEvent[] {
    return this.events.flatMap((event) => (event.hook === 'message' ? [event.event] : []));
  }

  closes(): ClientCloseEvent[] {
    return this.events.flatMap((event) => (event.hook === 'close' ? [event.event] : []));
  }

  count(hook: 'connect' | 'message' | 'close'): number {
    return this.events.filter((event) => event.hook === hook).length;
  }
}
