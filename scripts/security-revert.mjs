// Whether a Node binary accepts --security-revert=CVE-2023-46809, asked of that binary itself.
//
// Node 20 refuses RSA PKCS#1 v1.5 private decryption (the Marvin attack, CVE-2023-46809) unless started
// with that flag; OPC UA's Basic128Rsa15 policy needs the decryption. Node 22 and later decrypt it again
// (OpenSSL's implicit rejection closes the attack) and exit with "Attempt to revert an unknown CVE" when
// given the flag. So the flag goes on a command line only where the Node that runs it accepts it. Node
// does not take --security-revert from NODE_OPTIONS, hence a probe process and not an environment variable.
import { spawnSync } from 'node:child_process';

export const REVERT_FLAG = '--security-revert=CVE-2023-46809';

const accepted = new Map(); // execPath -> boolean

/** True when `node <REVERT_FLAG> -e 0` exits 0 for this Node binary (asked once per binary). */
export function revertFlagAccepted(execPath = process.execPath) {
  let answer = accepted.get(execPath);
  if (answer === undefined) {
    answer = spawnSync(execPath, [REVERT_FLAG, '-e', '0'], { stdio: 'ignore' }).status === 0;
    accepted.set(execPath, answer);
  }
  return answer;
}

/** The flags that let this Node binary decrypt RSA PKCS#1 v1.5: [REVERT_FLAG] where it accepts it, else []. */
export function revertFlags(execPath = process.execPath) {
  return revertFlagAccepted(execPath) ? [REVERT_FLAG] : [];
}
