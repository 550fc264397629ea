import { TestClient } from './ws-client';

export interface GatewayMessage {
  Header: { MessageType: string; ClientHandle: string; SessionId?: string; StatusCode?: string; Reason?: string; RequestTimeout?: string };
  Body?: unknown;
}

/**
 * A WebSocket client of the opcua-gateway dialect: sends ASNeG envelopes and picks answers by
 * MessageType (and ClientHandle), keeping notifications that arrive in between for later.
 */
export class GatewayClient {
  private readonly inbox: GatewayMessage[] = [];
  private handles = 0;

  private constructor(readonly socket: TestClient) {}

  static async open(url: string): Promise<GatewayClient> {
    return new GatewayClient(await TestClient.open(url, { protocols: 'json' }));
  }

  send(messageType: string, body: unknown, sessionId?: string, clientHandle = `h${++this.handles}`): string {
    const header: Record<string, string> = { MessageType: messageType, ClientHandle: clientHandle };
    if (sessionId !== undefined) header.SessionId = sessionId;
    this.socket.send(body === undefined ? { Header: header } : { Header: header, Body: body });
    return clientHandle;
  }

  /** Sends a request and waits for its response (matched by ClientHandle). */
  async request(messageType: string, body: unknown, sessionId?: string, timeoutMs = 5000): Promise<GatewayMessage> {
    const handle = this.send(messageType, body, sessionId);
    return this.next((message) => message.Header.ClientHandle === handle && !/Notify$/.test(message.Header.MessageType), timeoutMs);
  }

  /** The next message of a type (optionally of one session), from the inbox or the socket. */
  nextOfType(messageType: string, sessionId?: string, timeoutMs = 5000): Promise<GatewayMessage> {
    return this.next((message) => message.Header.MessageType === messageType && (sessionId === undefined || message.Header.SessionId === sessionId), timeoutMs);
  }

  async next(matches: (message: GatewayMessage) => boolean, timeoutMs = 5000): Promise<GatewayMessage> {
    const index = this.inbox.findIndex(matches);
    if (index >= 0) return this.inbox.splice(index, 1)[0];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching gateway message within ${timeoutMs} ms; inbox: ${JSON.stringify(this.inbox).slice(0, 500)}`);
      const message = JSON.parse(await this.socket.nextText(left)) as GatewayMessage;
      if (matches(message)) return message;
      this.inbox.push(message);
    }
  }

  /** Logs in and waits for the session's status notification; returns the SessionId and that status. */
  async login(body: unknown): Promise<{ sessionId: string; status: string; response: GatewayMessage }> {
    const response = await this.request('GW_LoginRequest', body);
    if (response.Header.StatusCode !== '0') throw new Error(`login refused: ${JSON.stringify(response.Header)}`);
    const sessionId = (response.Body as { SessionId: string }).SessionId;
    const notify = await this.nextOfType('GW_SessionStatusNotify', sessionId, 20_000);
    return { sessionId, status: (notify.Body as { SessionStatus: string }).SessionStatus, response };
  }

  close(): Promise<void> {
    return this.socket.close();
  }
}

export const policyUri = (name: string): string => `http://opcfoundation.org/UA/SecurityPolicy#${name}`;
