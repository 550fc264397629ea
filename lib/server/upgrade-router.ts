import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * One `upgrade` listener per HTTP server, dispatching by path to the endpoints that live on it.
 * Upgrades for other paths are left alone, because Node-RED's editor and other nodes listen on the
 * same server; the listener is removed when the last endpoint leaves, so a redeploy leaves nothing.
 */
class UpgradeRouter {
  private readonly routes = new Map<string, UpgradeHandler>();

  constructor(private readonly server: Server) {}

  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const handler = this.routes.get(normalisePath(pathnameOf(request)));
    if (handler) handler(request, socket, head);
  };

  add(path: string, handler: UpgradeHandler): void {
    const key = normalisePath(path);
    if (this.routes.has(key)) throw new PathTakenError(key);
    if (this.routes.size === 0) this.server.on('upgrade', this.onUpgrade);
    this.routes.set(key, handler);
  }

  remove(path: string, handler: UpgradeHandler): void {
    const key = normalisePath(path);
    if (this.routes.get(key) !== handler) return;
    this.routes.delete(key);
    if (this.routes.size === 0) {
      this.server.off('upgrade', this.onUpgrade);
      routers.delete(this.server);
    }
  }
}

export class PathTakenError extends Error {
  constructor(readonly path: string) {
    super(`path ${path} is already served`);
    this.name = 'PathTakenError';
  }
}

const routers = new WeakMap<Server, UpgradeRouter>();

/** Routes upgrades of `path` on `server` to `handler`; throws when the path is taken. Returns the undo. */
export function routeUpgrades(server: Server, path: string, handler: UpgradeHandler): () => void {
  let router = routers.get(server);
  if (!router) {
    router = new UpgradeRouter(server);
    routers.set(server, router);
  }
  router.add(path, handler);
  const owner = router;
  return () => owner.remove(path, handler);
}

export function pathnameOf(request: IncomingMessage): string {
  try {
    return new URL(request.url ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}

/** `/a/b/` and `/a/b` are the same endpoint; an empty path is `/`. */
export function normalisePath(path: string): string {
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.length > 1 && withSlash.endsWith('/') ? withSlash.slice(0, -1) : withSlash;
}
