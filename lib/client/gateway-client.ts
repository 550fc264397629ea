import { EventEmitter } from 'node:events';
import type { ClientLogger, GatewayClientOptions } from './client-options';
import type { ClientCloseEvent, ClientMessageEvent, ClientProtocol, ProtocolLink } from './client-protocol';
import type { InvokeReply } from './pending-replies';
import { PlainProtocol } from './plain-protocol';
import { ClientTransport } from './transport';
import type { ClientState } from './transport-state';
import { ZatoProtocol } from './zato-protocol';
import { messageOf } from '../util/errors';

interface ClientEvents {
  state: [state: ClientState, detail: string];
  connect: [];
  message: [event: ClientMessageEvent];
  close: [event: ClientCloseEvent];
}

const silentLog: ClientLogger = { info() {}, warn() {}, error() {} };

/**
 * One outgoing WebSocket connection, plain or to a Zato channel: a transport (transport.ts: connect,
 * reconnect, heartbeat, ready gate) speaking one protocol (plain-protocol.ts or zato-protocol.ts: what
 * frames mean, invoke correlation, server requests). CONNECT / MESSAGE / CLOSE are emitted as events;
 * `close()` (stop, redeploy) emits no CLOSE.
 */
export class GatewayClient extends EventEmitter<ClientEvents> {
  private readonly transport: ClientTransport;
  private readonly protocol: ClientProtocol;
  private readonly log: ClientLogger;

  constructor(readonly options: GatewayClientOptions) {
    super();
    const log = options.log ?? silentLog;
    this.log = log;
    this.transport = new ClientTransport(options, log, {
      moved: () => {},
      status: (state, detail) => this.emit('state', state, detail),
      connect: () => this.guarded('CONNECT', () => this.emit('connect')),
      close: (event) => this.guarded('CLOSE', () => this.emit('close', event)),
    }, (link) => protocolFor(options, link, log, (event) => this.guarded('MESSAGE', () => this.emit('message', event))));
    this.protocol = this.transport.protocol;
  }

  get state(): ClientState {
    return this.transport.clientState;
  }

  /** True while frames can be sent: the socket is open and, in Zato mode, the session exists. */
  get isReady(): boolean {
    return this.transport.isReady;
  }

  get invocationsInFlight(): number {
    return this.protocol.invocationsInFlight;
  }

  /** Connects (and keeps reconnecting); does nothing once started or closed. */
  start(): void {
    this.transport.start();
  }

  /** Stops for good (node closed or redeployed): no CLOSE event, no reconnect, waiting calls fail at once. */
  close(): Promise<void> {
    return this.transport.close();
  }

  /**
   * Sends one message and resolves once it is written. Plain: strings as text, Buffers as binary,
   * anything else as JSON. Zato: an invoke-service frame whose reply is not awaited (use invoke).
   */
  async send(payload: unknown): Promise<void> {
    if (payload === undefined) throw new Error('nothing to send: the payload is undefined');
    await this.protocol.send(payload);
  }

  /** Invokes and resolves with the reply: a Zato service (status 200 only), or plain with a correlation field. */
  invoke(data: unknown, timeoutMs = this.options.responseTimeoutMs): Promise<InvokeReply> {
    return this.protocol.invoke(data, timeoutMs);
  }

  /** Answers a request of the server that a listener claimed. */
  respond(requestId: string, response: unknown): Promise<void> {
    return this.protocol.respond(requestId, response);
  }

  /** A listener that throws must not break the connection: it is logged instead. */
  private guarded(hook: string, emit: () => void): void {
    try {
      emit();
    } catch (error) {
      this.log.error(`${hook} listener failed: ${messageOf(error)}`);
    }
  }
}

/** The one place the mode is read: which protocol the transport speaks. */
function protocolFor(options: GatewayClientOptions, link: ProtocolLink, log: ClientLogger, deliver: (event: ClientMessageEvent) => void): ClientProtocol {
  return options.mode === 'zato' ? new ZatoProtocol(options, link, log, deliver) : new PlainProtocol(options, link, log, deliver);
}
