import { OPCUAClient, type ConnectionStrategyOptions, type MessageSecurityMode, type SecurityPolicy } from 'node-opcua';
import type { ClientCertificates } from './pki';
import { quietExpectedWarnings } from './quiet-warnings';

/** The name our client certificate and sessions carry on every server. */
export const CLIENT_APPLICATION_NAME = 'node-red-contrib-ws-gateway';

export interface OpcuaClientOptions {
  securityMode: MessageSecurityMode;
  securityPolicy: SecurityPolicy;
  /** node-opcua's reconnection back-off: `maxRetry` -1 retries for ever, 0 makes one attempt. */
  connectionStrategy: ConnectionStrategyOptions;
  applicationName?: string;
}

/**
 * The one way this package makes a node-opcua client, for the connection of a ws-gateway-opcua node
 * (8081, WinCC OA, tags) and for each session of the 8082 gateway alike: the owner's PKI (one folder,
 * one client certificate and trust list for every OPC UA client session, see ClientCertificates), its
 * security mode and policy, a session kept alive, node-opcua's expected warnings quieted, and the client
 * certificate made before the first connect. Service requests on its sessions go out through sendOnce
 * (send-once.ts), never through node-opcua's retrying transaction.
 *
 * The caller owns the client: it connects it, and disconnects it when done (which also gives back the
 * client's hold on the certificate manager); the owner's ClientCertificates are released separately.
 */
export async function openOpcuaClient(certificates: ClientCertificates, options: OpcuaClientOptions): Promise<OPCUAClient> {
  // node-opcua re-creates the subscriptions after a reconnect and dumps every OperationLimits node a server lacks.
  quietExpectedWarnings();
  const clientCertificateManager = await certificates.manager();
  const client = OPCUAClient.create({
    applicationName: options.applicationName ?? CLIENT_APPLICATION_NAME,
    clientCertificateManager,
    securityMode: options.securityMode,
    securityPolicy: options.securityPolicy,
    // A server whose endpoint list names itself differently (another host name, behind NAT) is still reached at the URL given.
    endpointMustExist: false,
    keepSessionAlive: true,
    requestedSessionTimeout: 60_000,
    connectionStrategy: options.connectionStrategy,
  });
  try {
    await certificates.prepare(client);
  } catch (error) {
    await client.disconnect().catch(() => undefined);
    throw error;
  }
  return client;
}
