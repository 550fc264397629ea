import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './demo';

interface SecurityRevert {
  REVERT_FLAG: string;
  revertFlagAccepted(execPath?: string): boolean;
  revertFlags(execPath?: string): string[];
}

/** scripts/security-revert.mjs, the probe `npm start` and scripts/run-tests.mjs use, typed for the tests. */
export async function securityRevert(): Promise<SecurityRevert> {
  return await import(pathToFileURL(join(ROOT, 'scripts', 'security-revert.mjs')).href) as SecurityRevert;
}
