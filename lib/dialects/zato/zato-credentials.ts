import { checkCredentials, type AuthPolicy, type AuthResult } from '../contract';

export type SessionCheck = AuthResult;

/**
 * create-session against the server's authentication: a user list checks username / secret, a token
 * policy takes the token as the secret, no authentication accepts any session (even without credentials).
 */
export function checkSessionCredentials(policy: AuthPolicy, username: unknown, secret: unknown): SessionCheck {
  const presentedSecret = typeof secret === 'string' ? secret : '';
  return checkCredentials(policy, { user: typeof username === 'string' ? username : '', password: presentedSecret, bearer: presentedSecret });
}
