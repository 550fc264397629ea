import WebSocket = require('ws');

interface Waiter {
  match(text: string): boolean;
  resolve(text: string): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * A WebSocket client for the scorecard: counts what it receives, can wait for a frame that matches,
 * and can wait until the server has read everything sent so far (a ping's pong comes after it).
 */
export class Peer {
  replies = 0;
  errorReplies = 0;
  closeCode: number | undefined;
  private readonly waiters: Waiter[] = [];
  private readonly pongs: Array<() => void> = [];

  private constructor(readonly ws: WebSocket, private readonly isError: (text: string) => boolean) {
    ws.on('message', (data: Buffer, isBinary) => {
      this.replies += 1;
      const text = isBinary ? '' : data.toString('utf8');
      if (this.isError(text)) this.errorReplies += 1;
      for (const waiter of [...this.waiters]) {
        if (!waiter.match(text)) continue;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        clearTimeout(waiter.timer);
        waiter.resolve(text);
      }
    });
    ws.on('pong', () => { this.pongs.shift()?.(); });
    ws.on('error', () => { /* the close event follows and is what counts */ });
    ws.on('close', (code) => {
      this.closeCode = code;
      for (const waiter of this.waiters.splice(0)) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error(`closed (${code}) while waiting`));
      }
      for (const pong of this.pongs.splice(0)) pong();
    });
  }

  static open(url: string, isError: (text: string) => boolean = () => false, options: WebSocket.ClientOptions = {}, timeoutMs = 10_000): Promise<Peer> {
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs, maxPayload: 256 * 1024 * 1024, ...options });
    const peer = new Peer(ws, isError);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(peer));
      ws.once('unexpected-response', (_request, response) => {
        ws.terminate();
        reject(new Error(`upgrade refused: HTTP ${response.statusCode ?? 0}`));
      });
      ws.once('error', reject);
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(data: string | Buffer, binary = false): void {
    if (this.open) this.ws.send(data, { binary });
  }

  sendJson(value: unknown): void {
    this.send(JSON.stringify(value));
  }

  /** The next frame whose text matches, failing after `timeoutMs`. */
  waitFor(match: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
    if (!this.open) return Promise.reject(new Error('not open'));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new Error(`no matching frame within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves once the server has read every frame sent before (or closed); false after `timeoutMs`. */
  barrier(timeoutMs = 10_000): Promise<boolean> {
    if (!this.open) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const index = this.pongs.indexOf(done);
        if (index >= 0) this.pongs.splice(index, 1);
        resolve(false);
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.pongs.push(done);
      this.ws.ping();
    });
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.ws.terminate();
      }, 3_000);
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.ws.close();
    });
  }
}
