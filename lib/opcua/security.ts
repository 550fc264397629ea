import crypto = require('node:crypto');
import { MessageSecurityMode, SecurityPolicy, UserTokenType, type UserIdentityInfo } from 'node-opcua';

export const SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const;
export type SecurityModeName = (typeof SECURITY_MODES)[number];

/** The policies node-opcua 2.182 offers, by their short names (the part after `#` of the URI). */
export const SECURITY_POLICIES = ['None', 'Basic128Rsa15', 'Basic256', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const;
export type SecurityPolicyName = (typeof SECURITY_POLICIES)[number];

export type OpcuaIdentity =
  | { kind: 'anonymous' }
  | { kind: 'username'; userName: string; password: string }
  /** Certificate and key as PEM, or the certificate as base64 or hex DER. */
  | { kind: 'certificate'; certificate: string; privateKey: string };

/** The Node flag that lets Node 20+ decrypt RSA PKCS#1 v1.5, which Basic128Rsa15 needs. */
export const RSA15_FLAG = '--security-revert=CVE-2023-46809';

export function isSecurityMode(value: unknown): value is SecurityModeName {
  return typeof value === 'string' && (SECURITY_MODES as readonly string[]).includes(value);
}

export function isSecurityPolicy(value: unknown): value is SecurityPolicyName {
  return typeof value === 'string' && (SECURITY_POLICIES as readonly string[]).includes(value);
}

export function messageSecurityMode(name: SecurityModeName): MessageSecurityMode {
  return MessageSecurityMode[name];
}

export function securityPolicy(name: SecurityPolicyName): SecurityPolicy {
  return SecurityPolicy[name];
}

export function userIdentity(identity: OpcuaIdentity): UserIdentityInfo {
  switch (identity.kind) {
    case 'username':
      return { type: UserTokenType.UserName, userName: identity.userName, password: identity.password };
    case 'certificate':
      return { type: UserTokenType.Certificate, certificateData: certificateDer(identity.certificate), privateKey: identity.privateKey };
    default:
      return { type: UserTokenType.Anonymous };
  }
}

/** DER bytes of a certificate given as PEM, base64 or hex. */
export function certificateDer(text: string): Buffer {
  const trimmed = text.trim();
  const pem = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(trimmed);
  if (pem) return Buffer.from(pem[1].replace(/\s+/g, ''), 'base64');
  if (/^[0-9a-fA-F\s]+$/.test(trimmed)) return Buffer.from(trimmed.replace(/\s+/g, ''), 'hex');
  return Buffer.from(trimmed.replace(/\s+/g, ''), 'base64');
}

let rsa15: boolean | undefined;

/**
 * Whether this process can decrypt RSA PKCS#1 v1.5. Measured once rather than guessed from the flags,
 * because Node refuses it since 20.11 / 18.19 unless the CVE revert is given on the command line.
 */
export function rsa15Available(): boolean {
  if (rsa15 === undefined) {
    try {
      const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
      const sealed = crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_PKCS1_PADDING }, Buffer.from('probe'));
      crypto.privateDecrypt({ key: privateKey, padding: crypto.constants.RSA_PKCS1_PADDING }, sealed);
      rsa15 = true;
    } catch {
      rsa15 = false;
    }
  }
  return rsa15;
}

/** Why a policy cannot be used in this process, or undefined when it can. */
export function policyUnavailableReason(policy: SecurityPolicyName): string | undefined {
  if (policy !== 'Basic128Rsa15' || rsa15Available()) return undefined;
  return `security policy Basic128Rsa15 needs RSA PKCS#1 v1.5 decryption, which Node.js ${process.version} refuses ` +
    `(CVE-2023-46809); start Node-RED with "node ${RSA15_FLAG} ..." to allow it, or choose Basic256Sha256`;
}
