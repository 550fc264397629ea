import { secretsEqual, type AuthPolicy } from '../../server/auth';

export type SessionCheck = { ok: true; user?: string } | { ok: false };

/**
 * create-session against the server's authentication: a user list checks username / secret, a token
 * policy takes the token as the secret, no authentication accepts any session (even without credentials).
 */
export function checkSessionCredentials(policy: AuthPolicy, username: unknown, secret: unknown): SessionCheck {
  if (policy.kind === 'none') return { ok: true };
  const presented = typeof secret === 'string' ? secret : '';
  if (policy.kind === 'token') return secretsEqual(presented, policy.token) ? { ok: true } : { ok: false };
  const user = typeof username === 'string' ? username : '';
  const expected = policy.users.get(user);
  // Compared even for unknown users so the answer time does not tell which user names exist.
  const matches = secretsEqual(presented, expected ?? '\u0000unknown user');
  return matches && expected !== undefined ? { ok: true, user } : { ok: false };
}
