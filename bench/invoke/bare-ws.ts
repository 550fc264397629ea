import type { AddressInfo } from 'node:net';
import WebSocket = require('ws');

/**
 * The baseline: a bare `ws` server that answers each JSON request with its id and data, and a bare
 * `ws` client that correlates answers by id. Everything the gateway adds is measured against this.
 */
export class BareWsPair {
  private readonly waiting = new Map<number, () => void>();
  private nextId = 0;

  private constructor(private readonly server: WebSocket.Server, private readonly client: WebSocket) {
    client.on('message', (data) => {
      const { id } = JSON.parse(data.toString()) as { id: number };
      const resolve = this.waiting.get(id);
      this.waiting.delete(id);
      resolve?.();
    });
  }

  static async start(): Promise<BareWsPair> {
    const server = new WebSocket.Server({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    server.on('connection', (ws) => {
      ws.on('message', (data) => {
        const request = JSON.parse(data.toString()) as { id: number; data: unknown };
        ws.send(JSON.stringify({ id: request.id, data: request.data }));
      });
    });
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      client.once('open', () => resolve());
      client.once('error', reject);
    });
    return new BareWsPair(server, client);
  }

  invoke(data: unknown): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve) => {
      this.waiting.set(id, resolve);
      this.client.send(JSON.stringify({ id, data }));
    });
  }

  async stop(): Promise<void> {
    this.client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
