import type { Hotlink } from './hotlink';
import { ReplyOrder } from './reply-order';

/**
 * What one socket holds: its user, its replies in order, and its two Id tables (DpConnect and
 * DpQueryConnect Ids are separate namespaces). Connects without an Id cannot be disconnected one by one
 * but are still released when the socket closes.
 */
export class SocketState {
  readonly replies = new ReplyOrder();
  readonly connects = new Map<number, Hotlink>();
  readonly queries = new Map<number, Hotlink>();
  readonly anonymous = new Set<Hotlink>();
  private serial = 0;
  closed = false;

  constructor(readonly user: string | undefined) {}

  /** A key no other connect of this socket uses, for conflation. */
  nextKey(prefix: string): string {
    return `${prefix}${++this.serial}`;
  }

  /** Puts a connect into its table; a connect already under that Id is replaced (closed first). */
  keep(table: Map<number, Hotlink>, id: number | undefined, hotlink: Hotlink): void {
    if (id === undefined) {
      this.anonymous.add(hotlink);
      return;
    }
    table.get(id)?.close();
    table.set(id, hotlink);
  }

  drop(table: Map<number, Hotlink>, id: number | undefined): void {
    if (id === undefined) return;
    table.get(id)?.close();
    table.delete(id);
  }

  /** Releases every subscription the socket caused. */
  dispose(): void {
    this.closed = true;
    for (const hotlink of [...this.connects.values(), ...this.queries.values(), ...this.anonymous]) hotlink.close();
    this.connects.clear();
    this.queries.clear();
    this.anonymous.clear();
  }
}
