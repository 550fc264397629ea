import os = require('node:os');
import path = require('node:path');
import { OPCUACertificateManager, type OPCUAClient } from 'node-opcua';

/** Where the gateway keeps its client certificate when the server node names no folder. */
export function defaultGatewayPkiFolder(): string {
  return path.join(os.tmpdir(), 'ws-gateway-opcua-gateway-pki');
}

interface CertificateMaker {
  createDefaultCertificate(): Promise<void>;
}

function canMakeCertificate(client: OPCUAClient): client is OPCUAClient & CertificateMaker {
  return typeof (client as Partial<CertificateMaker>).createDefaultCertificate === 'function';
}

/**
 * The gateway's own certificate and trust lists, for Sign and SignAndEncrypt sessions: one node-opcua
 * certificate manager on a folder (the server node's `gatewayPkiFolder`; the Node-RED adapter may point
 * it into the user directory), shared by every session of the dialect. Server certificates of allowed
 * endpoints are accepted on first use (the allow-list already says which servers are meant) and land
 * in the folder's trusted list.
 */
export class ClientPki {
  private manager: OPCUACertificateManager | undefined;
  private ready: Promise<void> = Promise.resolve();

  /** `acceptUnknown` false: server certificates must already be in the folder's trusted list. */
  constructor(readonly folder: string, private readonly acceptUnknown = true) {}

  certificateManager(): OPCUACertificateManager {
    this.manager ??= new OPCUACertificateManager({ rootFolder: this.folder, automaticallyAcceptUnknownCertificate: this.acceptUnknown });
    return this.manager;
  }

  /** Makes the client certificate once, so that concurrent logins do not each try to write it. */
  prepare(client: OPCUAClient): Promise<void> {
    const step = this.ready.then(async () => {
      await this.certificateManager().initialize();
      if (canMakeCertificate(client)) await client.createDefaultCertificate();
    });
    this.ready = step.catch(() => undefined);
    return step;
  }

  async dispose(): Promise<void> {
    const manager = this.manager;
    this.manager = undefined;
    await this.ready;
    if (manager) await manager.dispose();
  }
}
