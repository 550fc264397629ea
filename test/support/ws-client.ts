import WebSocket = require('ws');

/** A real `ws` client with a queue of what it received, so tests can await frames in order. */
export class TestClient {
  private readonly received: Array<{ data: Buffer; isBinary: boolean }> = [];
  private readonly waiters: Array<(frame: { data: Buffer; isBinary: boolean }) => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const frame = { data: Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer), isBinary };
      const waiter = this.waiters.shift();
      if (waiter) waiter(frame);
      else this.received.push(frame);
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static open(url: string, options: WebSocket.ClientOptions & { protocols?: string | string[] } = {}): Promise<TestClient> {
    const { protocols, ...clientOptions } = options;
    const ws = new WebSocket(url, protocols, clientOptions);
    const client = new TestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_request, response) => reject(new UpgradeRefused(response.statusCode ?? 0)));
      ws.once('error', reject);
    });
  }

  /** The next frame as text, failing after `timeoutMs`. */
  async nextText(timeoutMs = 3000): Promise<string> {
    return (await this.nextFrame(timeoutMs)).data.toString('utf8');
  }

  async nextJson<T = unknown>(timeoutMs = 3000): Promise<T> {
    return JSON.parse(await this.nextText(timeoutMs)) as T;
  }

  nextFrame(timeoutMs = 3000): Promise<{ data: Buffer; isBinary: boolean }> {
    const queued = this.received.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new Error(`no frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (frame: { data: Buffer; isBinary: boolean }): void => {
        clearTimeout(timer);
        resolve(frame);
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves true if no frame arrives within `ms` (for "nothing was sent" assertions). */
  async silentFor(ms: number): Promise<boolean> {
    try {
      await this.nextFrame(ms);
      return false;
    } catch {
      return true;
    }
  }

  send(data: string | Buffer | object): void {
    this.ws.send(typeof data === 'string' || Buffer.isBuffer(data) ? data : JSON.stringify(data));
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
    await this.closed;
  }
}

export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused with HTTP ${status}`);
  }
}

/** Opens a client expected to be refused; resolves the HTTP status. */
export async function refusedStatus(url: string, options: WebSocket.ClientOptions & { protocols?: string | string[] } = {}): Promise<number> {
  try {
    const client = await TestClient.open(url, options);
    await client.close();
  } catch (error) {
    if (error instanceof UpgradeRefused) return error.status;
    throw error;
  }
  throw new Error(`upgrade to ${url} was accepted`);
}

export function basicAuth(user: string, password: string): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}
