import crypto = require('node:crypto');

let allowed: boolean | undefined;

/**
 * Whether this process may decrypt RSA PKCS#1 v1.5, which the Basic128Rsa15 policy needs. Node 20
 * refuses it (CVE-2023-46809, the Marvin attack) unless started with
 * `--security-revert=CVE-2023-46809`. Measured once by decrypting with a throwaway key.
 */
export function pkcs1v15DecryptionAllowed(): boolean {
  if (allowed !== undefined) return allowed;
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
  const secret = Buffer.from('probe');
  try {
    const encrypted = crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_PKCS1_PADDING }, secret);
    allowed = crypto.privateDecrypt({ key: privateKey, padding: crypto.constants.RSA_PKCS1_PADDING }, encrypted).equals(secret);
  } catch {
    allowed = false;
  }
  return allowed;
}

export const securityRevertFlag = '--security-revert=CVE-2023-46809';
