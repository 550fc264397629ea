import crypto = require('node:crypto');
import { MessageSecurityMode, SecurityPolicy, StatusCodes, UserTokenType, type StatusCode, type UserIdentityInfo } from 'node-opcua';
import { isJsonObject, scalarText, type JsonObject, type JsonValue } from '../../opcua/json';

/** What a GW_LoginRequest asks for, ready for node-opcua. */
export interface LoginOptions {
  endpointUrl: string;
  securityMode: MessageSecurityMode;
  securityPolicy: SecurityPolicy;
  userIdentity: UserIdentityInfo;
  /** SecureChannel: a channel without session, so every service answers BadSessionClosed (as ASNeG). */
  withSession: boolean;
}

/** A login the gateway refuses before connecting: answered with `status`, no session is made. */
export class LoginError extends Error {
  constructor(readonly status: StatusCode, message: string) {
    super(message);
    this.name = 'LoginError';
  }
}

const policies = new Set<string>(Object.values(SecurityPolicy).filter((value) => typeof value === 'string' && value.startsWith('http')));

/** A Map, so a client's `constructor` or `toString` is an unknown mode rather than Object's own member. */
const modes: ReadonlyMap<string, MessageSecurityMode> = new Map([
  ['None', MessageSecurityMode.None],
  ['Sign', MessageSecurityMode.Sign],
  ['SignAndEncrypt', MessageSecurityMode.SignAndEncrypt],
]);

/** Decodes the login body; the allowed endpoints and the Basic128Rsa15 check are the dialect's (docs/protocols/opcua-asneg.md). */
export function decodeLogin(body: JsonValue | undefined): LoginOptions {
  if (!isJsonObject(body)) throw invalid('Body must be an object');
  if (body.DiscoveryUrl === undefined) throw invalid('Body.DiscoveryUrl is missing');
  const endpointUrl = text(body.DiscoveryUrl, 'DiscoveryUrl');
  if (!/^opc\.tcp:\/\/[^/\s]+/i.test(endpointUrl)) throw invalid(`DiscoveryUrl "${endpointUrl}" is no opc.tcp:// URL`);
  const securityPolicy = policy(body.SecurityPolicyUri, 'SecurityPolicyUri');
  const modeName = body.SecurityMode === undefined ? 'None' : text(body.SecurityMode, 'SecurityMode');
  const securityMode = modes.get(modeName);
  if (securityMode === undefined) throw invalid(`SecurityMode "${modeName}" is not None, Sign or SignAndEncrypt`);
  if ((securityMode === MessageSecurityMode.None) !== (securityPolicy === SecurityPolicy.None)) {
    throw invalid(`SecurityMode ${modeName} does not go with ${securityPolicy}`);
  }
  const sessionMode = body.SessionMode === undefined ? 'SecureChannelAndSession' : text(body.SessionMode, 'SessionMode');
  if (sessionMode !== 'SecureChannelAndSession' && sessionMode !== 'SecureChannel') throw invalid(`SessionMode "${sessionMode}" is unknown`);
  return { endpointUrl, securityMode, securityPolicy, userIdentity: identity(body.UserAuth), withSession: sessionMode === 'SecureChannelAndSession' };
}

/**
 * `UserAuth.Type` selects the token; `PolicyId` naming a token type is accepted as well (the seed's
 * tables use it), otherwise PolicyId is the server's policy id, which node-opcua picks by itself.
 */
function identity(auth: JsonValue | undefined): UserIdentityInfo {
  if (auth === undefined || auth === '') return { type: UserTokenType.Anonymous };
  if (!isJsonObject(auth)) throw invalid('UserAuth must be an object');
  if (auth.SecurityPolicyUri !== undefined) policy(auth.SecurityPolicyUri, 'UserAuth.SecurityPolicyUri');
  const policyId = auth.PolicyId === undefined ? '' : text(auth.PolicyId, 'UserAuth.PolicyId');
  const type = auth.Type === undefined ? (tokenTypes.has(policyId) ? policyId : 'Anonymous') : text(auth.Type, 'UserAuth.Type');
  switch (type) {
    case 'UserName':
      return { type: UserTokenType.UserName, userName: required(auth, 'UserName'), password: required(auth, 'Password') };
    case 'Certificate':
      return { type: UserTokenType.Certificate, certificateData: certificateDer(required(auth, 'Certificate')), privateKey: privateKeyPem(required(auth, 'PrivateKey')) };
    case 'Issued':
      throw new LoginError(StatusCodes.BadIdentityTokenInvalid, 'issued identity tokens are not supported by this gateway');
    default:
      // ASNeG logs an unknown Type and logs in anonymously; so do we.
      return { type: UserTokenType.Anonymous };
  }
}

const tokenTypes = new Set(['Anonymous', 'UserName', 'Certificate', 'Issued']);

function policy(value: JsonValue | undefined, field: string): SecurityPolicy {
  if (value === undefined) return SecurityPolicy.None;
  const uri = text(value, field);
  if (!policies.has(uri)) throw invalid(`${field} "${uri}" is not a security policy URI`);
  return uri as SecurityPolicy;
}

/** DER given as hex (ASNeG) or base64, or a PEM text. */
function certificateDer(value: string): Buffer {
  const pem = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(value);
  if (pem) return Buffer.from(pem[1].replace(/\s+/g, ''), 'base64');
  const der = binary(value);
  try {
    new crypto.X509Certificate(der);
  } catch {
    throw invalid('UserAuth.Certificate is no X.509 certificate (hex or base64 DER, or PEM)');
  }
  return der;
}

function privateKeyPem(value: string): string {
  try {
    if (value.includes('-----BEGIN')) return crypto.createPrivateKey(value).export({ type: 'pkcs8', format: 'pem' }).toString();
    const der = binary(value);
    for (const type of ['pkcs8', 'pkcs1'] as const) {
      try {
        return crypto.createPrivateKey({ key: der, format: 'der', type }).export({ type: 'pkcs8', format: 'pem' }).toString();
      } catch {
        // try the next encoding
      }
    }
  } catch {
    // reported below
  }
  throw invalid('UserAuth.PrivateKey is no private key (hex or base64 DER, or PEM)');
}

function binary(value: string): Buffer {
  const compact = value.replace(/\s+/g, '');
  return /^([0-9a-f]{2})+$/i.test(compact) ? Buffer.from(compact, 'hex') : Buffer.from(compact, 'base64');
}

function required(auth: JsonObject, field: string): string {
  if (auth[field] === undefined) throw invalid(`UserAuth.${field} is missing`);
  return text(auth[field], `UserAuth.${field}`);
}

function text(value: JsonValue | undefined, field: string): string {
  try {
    return scalarText(value, field);
  } catch {
    throw invalid(`${field} must be a string`);
  }
}

function invalid(message: string): LoginError {
  return new LoginError(StatusCodes.BadInvalidArgument, message);
}
