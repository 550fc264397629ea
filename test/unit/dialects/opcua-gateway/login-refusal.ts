import { decodeLogin, LoginError } from '../../../../lib/dialects/opcua-gateway/login-request';

/** The LoginError a GW_LoginRequest body is refused with; throws when the login is accepted. */
export function refusal(body: unknown): LoginError {
  try {
    decodeLogin(body as never);
  } catch (error) {
    if (error instanceof LoginError) return error;
    throw error;
  }
  throw new Error('the login was accepted');
}
