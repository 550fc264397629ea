import { EventEmitter } from 'node:events';
import { Lease, type LeaseHold } from '../../lib/util/lease';

/**
 * The endpoints and flow nodes that use every tag of the runtime's tag space, whatever source it comes
 * from: a WinCC OA server, a raw server with a tag pattern, a ws-gateway-out publishing by name, an
 * MQTT bridge publishing this instance's tags. While at least one is deployed, every OPC UA and Modbus
 * connection is in use (its variables and circuits are theirs to read and write), so those connections
 * hold themselves while this count is above zero.
 */
class TagSpaceUsers {
  private readonly changes = new EventEmitter<{ change: [boolean] }>();
  private readonly lease = new Lease<true>({
    open: () => {
      this.changes.emit('change', true);
      return true;
    },
    close: () => {
      this.changes.emit('change', false);
      return Promise.resolve();
    },
  });

  acquire(): LeaseHold<true> {
    return this.lease.acquire();
  }

  /**
   * Keeps a hold (from `acquire`) on a connection while the tag space has users. `acquire` may return
   * undefined (a connection that could not be configured). Returns the function that stops following
   * and releases the hold.
   */
  holdWhileUsed(acquire: () => { release(): void } | undefined): () => void {
    let hold: { release(): void } | undefined;
    const follow = (inUse: boolean): void => {
      if (inUse && !hold) hold = acquire();
      if (!inUse && hold) {
        hold.release();
        hold = undefined;
      }
    };
    follow(this.lease.inUse);
    this.changes.on('change', follow);
    return () => {
      this.changes.off('change', follow);
      follow(false);
    };
  }
}

/** Lives as long as the runtime's tag space (nodes/shared/runtime-tags.ts), across redeploys. */
let users: TagSpaceUsers | undefined;

export function tagSpaceUsers(): TagSpaceUsers {
  users ??= new TagSpaceUsers();
  return users;
}

/** Whether a ws-gateway-server with these fields serves tags of every source to its clients. */
export function servesTagSpace(config: { dialect?: unknown; rawTags?: unknown }): boolean {
  if (config.dialect === 'winccoa') return true;
  return config.dialect === 'raw' && typeof config.rawTags === 'string' && config.rawTags.trim() !== '';
}
