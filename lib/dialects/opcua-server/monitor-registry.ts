import type { MonitorHandle } from '../../opcua';
import type { DialectSession } from '../contract';

export interface Registration {
  variable: string;
  monitor: MonitorHandle;
  /** Set once the client was told of a lost connection, so an outage is reported once, not per change. */
  toldDisconnected: boolean;
  /** Set once the client was told the server announced its shutdown. */
  toldShutdown?: boolean;
}

/**
 * MONITORSTART registrations keyed by (connection, ClientHandle), not by handle alone: two clients using the
 * same handle never share one, and a connection's registrations end with it.
 */
export class MonitorRegistry {
  private readonly bySession = new Map<DialectSession, Map<string, Registration>>();

  get(session: DialectSession, handle: string): Registration | undefined {
    return this.bySession.get(session)?.get(handle);
  }

  add(session: DialectSession, handle: string, registration: Registration): void {
    let handles = this.bySession.get(session);
    if (!handles) {
      handles = new Map();
      this.bySession.set(session, handles);
    }
    handles.set(handle, registration);
  }

  remove(session: DialectSession, handle: string): boolean {
    const handles = this.bySession.get(session);
    const registration = handles?.get(handle);
    if (!handles || !registration) return false;
    registration.monitor.close();
    handles.delete(handle);
    if (handles.size === 0) this.bySession.delete(session);
    return true;
  }

  removeSession(session: DialectSession): void {
    for (const registration of this.bySession.get(session)?.values() ?? []) registration.monitor.close();
    this.bySession.delete(session);
  }

  clear(): void {
    for (const session of [...this.bySession.keys()]) this.removeSession(session);
  }

  *entries(): Generator<[DialectSession, string, Registration]> {
    for (const [session, handles] of this.bySession) for (const [handle, registration] of handles) yield [session, handle, registration];
  }

  get size(): number {
    let count = 0;
    for (const handles of this.bySession.values()) count += handles.size;
    return count;
  }
}
