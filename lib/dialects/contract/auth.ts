import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** How an endpoint authenticates clients at the upgrade. */
export type AuthPolicy =
  | { kind: 'none' }
  /** User name -> password, from Node-RED credentials. */
  | { kind: 'users'; users: ReadonlyMap<string, string> }
  | { kind: 'token'; token: string };

/** The parts of an upgrade request that carry credentials (an IncomingMessage or a session's UpgradeRequest). */
export type UpgradeLike = Pick<IncomingMessage, 'url' | 'headers'>;

export type AuthResult = { ok: true; user?: string } | { ok: false };

export interface PresentedCredentials {
  user?: string;
  password?: string;
  bearer?: string;
}

/**
 * The credentials a client presented: HTTP Basic auth, `?username=&password=` (what WinCC OA clients
 * send, since browsers cannot set headers on a WebSocket), `Authorization: Bearer` or `?token=`.
 */
export function presentedCredentials(request: UpgradeLike): PresentedCredentials {
  const presented: PresentedCredentials = {};
  const header = request.headers.authorization ?? '';
  const [scheme, value] = header.split(/\s+/, 2);
  if (/^basic$/i.test(scheme ?? '') && value) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) {
      presented.user = decoded.slice(0, colon);
      presented.password = decoded.slice(colon + 1);
    }
  } else if (/^bearer$/i.test(scheme ?? '') && value) {
    presented.bearer = value;
  }
  const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
  if (presented.user === undefined && query.has('username')) {
    presented.user = query.get('username') ?? '';
    presented.password = query.get('password') ?? '';
  }
  if (presented.bearer === undefined && query.has('token')) presented.bearer = query.get('token') ?? '';
  return presented;
}

export function authenticate(request: UpgradeLike, policy: AuthPolicy): AuthResult {
  return checkCredentials(policy, presentedCredentials(request));
}

/**
 * Checks presented credentials against a policy, wherever the protocol carries them: the upgrade
 * request (`authenticate`), or a login frame after it (Zato's create-session).
 */
export function checkCredentials(policy: AuthPolicy, presented: PresentedCredentials): AuthResult {
  if (policy.kind === 'none') return { ok: true };
  if (policy.kind === 'token') {
    return presented.bearer !== undefined && secretsEqual(presented.bearer, policy.token) ? { ok: true } : { ok: false };
  }
  if (presented.user === undefined || presented.password === undefined) return { ok: false };
  const expected = policy.users.get(presented.user);
  // Compare even for unknown users so the answer time does not tell which user names exist.
  const matches = secretsEqual(presented.password, expected ?? '\u0000unknown user');
  return matches && expected !== undefined ? { ok: true, user: presented.user } : { ok: false };
}

/** Parses the editor's user list: one `name:password` per line; blank lines and `#` comments skipped. */
export function parseUserList(text: string | undefined): Map<string, string> {
  const users = new Map<string, string>();
  for (const line of (text ?? '').split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed.length === 0 || trimmed.startsWith('#')) continue;
    const colon = trimmed.indexOf(':');
    if (colon <= 0) continue;
    users.set(trimmed.slice(0, colon), trimmed.slice(colon + 1));
  }
  return users;
}

/** Constant-time comparison of two secrets of any length (hashing first equalises the lengths). */
export function secretsEqual(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a, 'utf8').digest();
  const digestB = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB);
}
