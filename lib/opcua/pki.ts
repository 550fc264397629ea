import path = require('node:path');
import { OPCUACertificateManager, type OPCUAClient } from 'node-opcua';

interface SharedManager {
  manager: OPCUACertificateManager;
  users: number;
  ready: Promise<void>;
}

const managers = new Map<string, SharedManager>();
/** The last step (initialisation, making the client certificate) per folder: steps on one folder run one after the other. */
const folderQueue = new Map<string, Promise<void>>();

/** Runs `step` after every earlier step on the same folder, so nothing races to write the same files. */
function inTurn(root: string, step: () => Promise<void>): Promise<void> {
  const previous = folderQueue.get(root) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(step);
  folderQueue.set(root, next);
  void next.catch(() => undefined).then(() => {
    if (folderQueue.get(root) === next) folderQueue.delete(root);
  });
  return next;
}

/**
 * The client's own certificate and trust lists live in one folder (created on first use: `own/`,
 * `trusted/`, `rejected/`, `issuers/`). Users of one folder and trust rule share one manager, and
 * managers of one folder initialise in turn, so nothing races to create the same key pair.
 * `acceptUnknown` trusts any server certificate (it lands in `trusted/`); otherwise an unknown one is
 * refused and stored in `rejected/`, from where the user moves it to `trusted/certs/`. The folders are
 * read when a manager initialises (no file watchers): a moved certificate counts from the next one.
 * Release what you acquire.
 */
export async function acquireCertificateManager(folder: string, acceptUnknown: boolean): Promise<OPCUACertificateManager> {
  const root = path.resolve(folder);
  const key = `${root}\n${acceptUnknown}`;
  let shared = managers.get(key);
  if (!shared) {
    const manager = new OPCUACertificateManager({ rootFolder: root, automaticallyAcceptUnknownCertificate: acceptUnknown, disableFileWatchers: true });
    shared = { manager, users: 0, ready: inTurn(root, () => manager.initialize()) };
    managers.set(key, shared);
  }
  shared.users++;
  try {
    await shared.ready;
  } catch (error) {
    // A folder that cannot be initialised (no permission, a bad key) is tried afresh by the next user.
    shared.users--;
    if (shared.users === 0 && managers.get(key) === shared) managers.delete(key);
    throw error;
  }
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

interface CertificateMaker {
  createDefaultCertificate(): Promise<void>;
}

function canMakeCertificate(client: OPCUAClient): client is OPCUAClient & CertificateMaker {
  return typeof (client as Partial<CertificateMaker>).createDefaultCertificate === 'function';
}

/**
 * The PKI of one owner of OPC UA clients (the connection of a ws-gateway-opcua node, the 8082 gateway):
 * the shared manager of its folder and trust rule, acquired on first use and released once when the
 * owner closes, however many clients it made in between.
 */
export class ClientCertificates {
  private acquired: Promise<OPCUACertificateManager> | undefined;

  /** `acceptUnknown` false: server certificates must already be in the folder's trusted list. */
  constructor(readonly folder: string, readonly acceptUnknown: boolean) {}

  manager(): Promise<OPCUACertificateManager> {
    if (!this.acquired) {
      const acquired = acquireCertificateManager(this.folder, this.acceptUnknown);
      this.acquired = acquired;
      acquired.catch(() => {
        if (this.acquired === acquired) this.acquired = undefined;
      });
    }
    return this.acquired;
  }

  /** Makes the client certificate (once per folder) before the client connects, so clients starting together do not each write it. */
  prepare(client: OPCUAClient): Promise<void> {
    return inTurn(path.resolve(this.folder), async () => {
      if (canMakeCertificate(client)) await client.createDefaultCertificate();
    });
  }

  async release(): Promise<void> {
    const acquired = this.acquired;
    this.acquired = undefined;
    const manager = await acquired?.catch(() => undefined);
    if (manager) await releaseCertificateManager(manager);
  }
}
