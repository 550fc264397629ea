import { EventEmitter } from 'node:events';
import net = require('node:net');
import type { AddressInfo } from 'node:net';

/**
 * A TCP relay in front of a real server (the Modbus simulator) that counts the connections open through
 * it, so a test sees when a client connects and when it lets go. 'change' is emitted with the count.
 */
export class CountingRelay extends EventEmitter<{ change: [number] }> {
  open = 0;
  port = 0;
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;

  constructor(private readonly target: { host: string; port: number }) {
    super();
    this.server = net.createServer((socket) => this.relay(socket));
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  /** Resolves once `count` connections are open (at once if they are). */
  until(count: number): Promise<void> {
    if (this.open === count) return Promise.resolve();
    return new Promise((resolve) => {
      const onChange = (open: number): void => {
        if (open !== count) return;
        this.off('change', onChange);
        resolve();
      };
      this.on('change', onChange);
    });
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(socket: net.Socket): void {
    const upstream = net.connect(this.target.port, this.target.host);
    this.sockets.add(socket).add(upstream);
    socket.pipe(upstream).pipe(socket);
    this.open += 1;
    this.emit('change', this.open);
    let closed = false;
    const close = (): void => {
      socket.destroy();
      upstream.destroy();
      this.sockets.delete(socket);
      this.sockets.delete(upstream);
      if (closed) return;
      closed = true;
      this.open -= 1;
      this.emit('change', this.open);
    };
    socket.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  }
}
