import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, it, mock } from 'node:test';
import { ROOT } from '../../support/demo';

interface EnsureModule {
  debianPackageMissing(probe: string[]): boolean;
  ensureDebianPackage(pkg: string, probe: string[], why?: string, allowInstall?: boolean): boolean;
}

const load = (): Promise<EnsureModule> => import(pathToFileURL(join(ROOT, 'scripts', 'ensure-debian-package.mjs')).href) as Promise<EnsureModule>;

/**
 * What someone without root sees when a test tier needs a Debian package that is missing: the package,
 * why, and the command, and nothing runs apt-get (as root, CI installs instead).
 */
describe('scripts/ensure-debian-package.mjs', () => {
  afterEach(() => mock.restoreAll());

  it('says what to install and why, and installs nothing, when it may not install', async () => {
    const { ensureDebianPackage } = await load();
    const errors: string[] = [];
    const logs: string[] = [];
    mock.method(console, 'error', (text: string) => { errors.push(text); });
    mock.method(console, 'log', (text: string) => { logs.push(text); });
    // `false` as the probe: the package counts as missing.
    assert.equal(ensureDebianPackage('ws-gateway-no-such-package', ['false'], "the seeds' Python examples", false), false);
    assert.deepEqual(errors, ["missing Debian package ws-gateway-no-such-package (the seeds' Python examples): sudo apt-get install -y ws-gateway-no-such-package"]);
    assert.deepEqual(logs, [], 'no install was started');
  });

  it('is satisfied by a probe that succeeds, without a word', async () => {
    const { ensureDebianPackage, debianPackageMissing } = await load();
    const errors: string[] = [];
    mock.method(console, 'error', (text: string) => { errors.push(text); });
    assert.equal(debianPackageMissing([process.execPath, '--version']), false);
    assert.equal(ensureDebianPackage('nodejs', [process.execPath, '--version'], undefined, false), true);
    assert.deepEqual(errors, []);
  });
});
