import type { TagSpace } from '../../tags';
import type { AuthPolicy } from './auth';
import type { Dialect } from './dialect';
import type { OutgoingFrame } from './frame';
import type { DialectLimits } from './limits';
import type { DialectSession } from './session';

export interface DialectLogger {
  warn(message: string): void;
  error(message: string): void;
  /**
   * Something one client did (a refused login, an unknown command): rate-limited per client and
   * `reason`, so a client cannot flood the log. Cut client-controlled text with `clip` (lib/util/log-limit).
   */
  warnAbout(session: DialectSession, reason: string, message: string): void;
}

/**
 * What every dialect gets from the endpoint that serves it. `Sources` names the connections the
 * dialect serves (an OPC UA endpoint, a Modbus gateway, ...): each dialect declares the type it reads,
 * the caller that builds the endpoint passes such an object in, and the endpoint hands it on unread.
 * Every source may be missing (a server node that names none), so the dialect gets them as optional.
 */
export interface DialectContext<Sources extends object = object> {
  tags: TagSpace;
  sources: Partial<Sources>;
  /** The server's authentication policy, for dialects that authenticate after the upgrade (`authenticatesItself`). */
  auth: AuthPolicy;
  log: DialectLogger;
  /** Send the same payload to every client of the endpoint (encoded and framed once). */
  broadcast(frame: OutgoingFrame, conflationKey?: string): void;
  /** Dialect-specific options from the server configuration. */
  options: Readonly<Record<string, unknown>>;
  /** The endpoint's bounds on what clients send that the dialect checks (JSON depth, patterns, names). */
  limits: Readonly<DialectLimits>;
  /**
   * For dialects that `connectsInProtocol`: the client is now connected in the protocol's sense (Zato:
   * create-session succeeded), so flows get the CONNECT event. A second call for a session does nothing.
   */
  connected(session: DialectSession): void;
}

/** Makes the dialect of one endpoint; called once, when the endpoint is built. */
export type DialectFactory<Sources extends object = object> = (context: DialectContext<Sources>) => Dialect;
