import { randomBytes } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { unknownRequestError } from './claimed-requests';
import { ConnectionLostError, InvokeUnsupportedError } from './client-errors';
import type { ClientLogger, GatewayClientOptions } from './client-options';
import { messageEvent, type ClientCloseEvent, type ClientMessageEvent, type ClientProtocol, type ProtocolLink } from './client-protocol';
import { PendingReplies, type InvokeReply } from './pending-replies';
import { asError } from '../util/errors';
import { isRecord } from '../util/is-record';

export type PlainProtocolOptions = Pick<GatewayClientOptions, 'url' | 'username' | 'secret' | 'dataFormat' | 'correlationField'>;

/**
 * Any WebSocket server: frames go out as they are (strings as text, Buffers as binary, the rest as
 * JSON) and every frame that comes in is a MESSAGE, except, with a correlation field, the reply to a
 * waiting invocation. Ready as soon as the socket is open; credentials go as `Authorization: Basic`.
 */
export class PlainProtocol implements ClientProtocol {
  private readonly pending: PendingReplies;

  constructor(
    private readonly options: PlainProtocolOptions,
    private readonly link: ProtocolLink,
    private readonly log: ClientLogger,
    private readonly deliver: (event: ClientMessageEvent) => void,
  ) {
    this.pending = new PendingReplies((text) => log.warn(text));
  }

  get invocationsInFlight(): number {
    return this.pending.size;
  }

  upgradeHeaders(): OutgoingHttpHeaders {
    const { username, secret } = this.options;
    return username ? { authorization: `Basic ${Buffer.from(`${username}:${secret ?? ''}`).toString('base64')}` } : {};
  }

  opened(): void {
    this.link.handshakeDone();
  }

  ready(): void {}

  frame(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      this.deliver(messageEvent(data, 'binary'));
      return;
    }
    const text = data.toString('utf8');
    if (this.options.dataFormat === 'text') {
      this.deliver(messageEvent(text, 'text'));
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.log.warn(`${this.options.url}: frame ignored: not JSON (data format json)`);
      return;
    }
    if (!this.settleReply(value)) this.deliver(messageEvent(value, 'json'));
  }

  socketClosed(closed: ClientCloseEvent): ClientCloseEvent {
    this.pending.rejectAll(new ConnectionLostError(closed.code, closed.reason));
    return closed;
  }

  stop(error: Error): void {
    this.pending.rejectAll(error);
  }

  async send(payload: unknown): Promise<void> {
    await this.link.whenReady();
    await this.link.write(Buffer.isBuffer(payload) || typeof payload === 'string' ? payload : JSON.stringify(payload));
  }

  /**
   * With a correlation field only: the request is a JSON object whose field carries an id (one is
   * generated when it has none); the first JSON frame with the same value in that field is the reply.
   */
  async invoke(data: unknown, timeoutMs: number): Promise<InvokeReply> {
    const field = this.options.correlationField;
    if (!field || this.options.dataFormat !== 'json') throw new InvokeUnsupportedError();
    if (!isRecord(data)) throw new Error(`a plain invocation needs a JSON object to carry its id in "${field}"`);
    const given = data[field];
    const id = typeof given === 'string' || typeof given === 'number' ? String(given) : `inv.${randomBytes(12).toString('hex')}`;
    const request = typeof given === 'string' || typeof given === 'number' ? data : { ...data, [field]: id };
    await this.link.whenReady();
    if (this.pending.awaits(id)) throw new Error(`an invocation with ${field} ${id} is already waiting`);
    const reply = this.pending.expect(id, timeoutMs);
    try {
      await this.link.write(JSON.stringify(request));
    } catch (error) {
      this.pending.reject(id, asError(error));
    }
    return reply;
  }

  /** A plain server sends no requests: there is never one to answer. */
  respond(requestId: string): Promise<void> {
    return Promise.reject(unknownRequestError(requestId));
  }

  /** The reply to a plain invocation, when this frame carries the id of one that waits. */
  private settleReply(value: unknown): boolean {
    const field = this.options.correlationField;
    if (!field || !isRecord(value)) return false;
    const key = value[field];
    if (typeof key !== 'string' && typeof key !== 'number') return false;
    const id = String(key);
    if (!this.pending.awaits(id)) return false;
    this.pending.settle(id, { id, in_reply_to: id, status: 200, is_ok: true, msg_type: '', timestamp: '', data: value });
    return true;
  }
}
