import path = require('node:path');
import { OPCUACertificateManager } from 'node-opcua';

interface SharedManager {
  manager: OPCUACertificateManager;
  users: number;
  ready: Promise<void>;
}

const managers = new Map<string, SharedManager>();
/** Last initialisation per folder: managers of one folder initialise one after the other. */
const folderQueue = new Map<string, Promise<void>>();

/**
 * The client's own certificate and trust lists live in one folder (created on first use: `own/`,
 * `trusted/`, `rejected/`, `issuers/`). Connections that share a folder and trust rule share one manager,
 * and managers of one folder initialise in turn, so nothing races to create the same key pair.
 * `acceptUnknown` trusts any server certificate (it still lands in `trusted/`); otherwise an unknown
 * one is refused and stored in `rejected/`, from where the user moves it to `trusted/certs/`.
 * Release what you acquire.
 */
export async function acquireCertificateManager(folder: string, acceptUnknown: boolean): Promise<OPCUACertificateManager> {
  const root = path.resolve(folder);
  const key = `${root}\n${acceptUnknown}`;
  let shared = managers.get(key);
  if (!shared) {
    const manager = new OPCUACertificateManager({ rootFolder: root, automaticallyAcceptUnknownCertificate: acceptUnknown, disableFileWatchers: true });
    const previous = folderQueue.get(root) ?? Promise.resolve();
    const ready = previous.catch(() => undefined).then(() => manager.initialize());
    folderQueue.set(root, ready);
    shared = { manager, users: 0, ready };
    managers.set(key, shared);
  }
  shared.users++;
  await shared.ready;
  return shared.manager;
}

export async function releaseCertificateManager(manager: OPCUACertificateManager): Promise<void> {
  for (const [key, shared] of managers) {
    if (shared.manager !== manager) continue;
    shared.users--;
    if (shared.users > 0) return;
    managers.delete(key);
    await manager.dispose();
    return;
  }
}
