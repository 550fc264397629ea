import type { NodeAPI, NodeDef } from 'node-red';
import { NodeClass, resolveNodeId, type ReferenceDescription } from 'node-opcua';
import {
  OpcuaEndpoint, isSecurityMode, isSecurityPolicy, parseVariableList, statusOf, type OpcuaConnection, type OpcuaEndpointOptions, type OpcuaIdentity,
} from '../../lib/opcua';
import type { Lease } from '../../lib/util/lease';
import { readNumber } from '../../lib/util/options';
import { opcuaPkiFolder, type OpcuaPkiSettings } from '../shared/opcua-pki';
import { acquireReporting, configLease } from '../shared/config-lease';
import { runtimeTags, type TagSettings } from '../shared/runtime-tags';
import { tagSpaceUsers } from '../shared/tag-space-users';
import type { OpcuaConfigNode, OpcuaNodeCredentials } from './opcua-node';
import { messageOf } from '../../lib/util/errors';

interface OpcuaDef extends NodeDef {
  endpointUrl: string;
  securityMode: string;
  securityPolicy: string;
  identity: 'anonymous' | 'username' | 'certificate';
  acceptUnknownServerCertificate: boolean;
  publishingInterval: number | string;
  variables: unknown;
}

type OpcuaSettings = TagSettings & OpcuaPkiSettings;

interface BrowseEntry {
  nodeId: string;
  browseName: string;
  displayName: string;
  nodeClass: string;
  hasChildren: boolean;
}

export = function registerGatewayOpcua(RED: NodeAPI): void {
  const settings = RED.settings as unknown as OpcuaSettings;

  function GatewayOpcua(this: OpcuaConfigNode, config: OpcuaDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    node.endpoint = undefined;
    const tags = runtimeTags(settings).space;
    let options: OpcuaEndpointOptions | undefined;
    try {
      const endpointUrl = (config.endpointUrl || '').trim();
      if (!/^opc\.tcp:\/\/[^\s/]+/.test(endpointUrl)) throw new Error(RED._('ws-gateway-opcua.errors.endpoint', { url: endpointUrl }));
      const securityMode = isSecurityMode(config.securityMode) ? config.securityMode : 'None';
      const securityPolicy = securityMode === 'None' ? 'None' : isSecurityPolicy(config.securityPolicy) ? config.securityPolicy : 'Basic256Sha256';
      const { variables, problems } = parseVariableList(config.variables);
      for (const problem of problems) node.warn(RED._('ws-gateway-opcua.errors.variable', { problem }));
      options = {
        id: node.id,
        endpointUrl,
        securityMode,
        securityPolicy,
        identity: identityOf(config, node.credentials ?? {}),
        pkiFolder: opcuaPkiFolder(settings, { info: (text) => node.log(text), warn: (text) => node.warn(text) }),
        acceptUnknownServerCertificate: config.acceptUnknownServerCertificate === true,
        publishingIntervalMs: readNumber(config.publishingInterval, { fallback: 100, aboveMin: true }),
        variables,
        log: { info: (text) => node.log(text), warn: (text) => node.warn(text) },
      };
    } catch (error) {
      node.error(messageOf(error));
    }
    node.options = options;

    // The session opens when the first server (or the tag space's first user) acquires the node, and
    // closes after the last release; its variables are tags only while it is open.
    const lease = options && endpointLease(options);
    node.acquire = acquireReporting(lease, (error) => node.error(messageOf(error)));
    const unfollow = tagSpaceUsers().holdWhileUsed(node.acquire);

    function endpointLease(valid: OpcuaEndpointOptions): Lease<OpcuaEndpoint> {
      return configLease<OpcuaEndpoint>(RED, {
        open: () => {
          const endpoint = new OpcuaEndpoint(valid);
          tags.addSource(endpoint.tagSource);
          node.endpoint = endpoint;
          endpoint.start();
          return endpoint;
        },
        close: async (endpoint) => {
          if (node.endpoint === endpoint) node.endpoint = undefined;
          tags.removeSource(endpoint.tagSource.id);
          await endpoint.close();
        },
      });
    }

    node.on('close', (_removed: boolean, done: () => void) => {
      unfollow();
      if (!lease) return done();
      lease.end().then(done, (error: unknown) => {
        node.error(messageOf(error));
        done();
      });
    });
  }

  function identityOf(config: OpcuaDef, credentials: OpcuaNodeCredentials): OpcuaIdentity {
    if (config.identity === 'username') {
      if (!credentials.userName) throw new Error(RED._('ws-gateway-opcua.errors.user-name'));
      return { kind: 'username', userName: credentials.userName, password: credentials.password ?? '' };
    }
    if (config.identity === 'certificate') {
      if (!credentials.certificate || !credentials.privateKey) throw new Error(RED._('ws-gateway-opcua.errors.certificate'));
      return { kind: 'certificate', certificate: credentials.certificate, privateKey: credentials.privateKey };
    }
    return { kind: 'anonymous' };
  }

  RED.nodes.registerType<OpcuaConfigNode, OpcuaDef, { wsGatewayOpcuaPkiFolder: string }, OpcuaNodeCredentials>('ws-gateway-opcua', GatewayOpcua, {
    credentials: {
      userName: { type: 'text' },
      password: { type: 'password' },
      certificate: { type: 'password' },
      privateKey: { type: 'password' },
    },
    settings: {
      wsGatewayOpcuaPkiFolder: { value: '', exportable: false },
    },
  });

  // The editor's "browse the server" helper: children of one node, through the deployed node's session;
  // a node no flow uses yet has none, so the browse holds it (opens a session) for its own duration.
  RED.httpAdmin.get('/ws-gateway-opcua/:id/browse', RED.auth.needsPermission('ws-gateway-opcua.read'), (request, response) => {
    const node = RED.nodes.getNode(String(request.params.id)) as OpcuaConfigNode | null;
    const hold = node?.acquire();
    if (!hold) {
      response.status(404).json({ error: RED._('ws-gateway-opcua.errors.not-deployed') });
      return;
    }
    const connection = hold.resource.connection;
    let start;
    try {
      start = typeof request.query.nodeId === 'string' && request.query.nodeId !== '' ? connection.nodeId(request.query.nodeId) : resolveNodeId('ObjectsFolder');
    } catch (error) {
      hold.release();
      response.status(400).json({ error: messageOf(error) });
      return;
    }
    untilSettled(connection).then(() => connection.browse(start)).then((references) => {
      response.json({ nodeId: start.toString(), children: references.map(browseEntry) });
    }, (error: unknown) => {
      response.status(503).json({ error: messageOf(error), status: statusOf(error).name });
    }).finally(() => hold.release());
  });
};

/** How long a browse waits for a session it had to open. */
const BROWSE_CONNECT_MS = 10_000;

/** Resolves once the connection is connected or has given up for now (the browse then reports why). */
function untilSettled(connection: OpcuaConnection): Promise<void> {
  const settled = (): boolean => !['idle', 'connecting', 'reconnecting'].includes(connection.state);
  if (settled()) return Promise.resolve();
  return new Promise((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      connection.off('state', onState);
      resolve();
    };
    const onState = (): void => { if (settled()) finish(); };
    const timer = setTimeout(finish, BROWSE_CONNECT_MS);
    connection.on('state', onState);
  });
}

function browseEntry(reference: ReferenceDescription): BrowseEntry {
  return {
    nodeId: reference.nodeId.toString(),
    browseName: reference.browseName.toString(),
    displayName: reference.displayName.text ?? reference.browseName.name ?? '',
    nodeClass: NodeClass[reference.nodeClass] ?? String(reference.nodeClass),
    hasChildren: reference.nodeClass === NodeClass.Object || reference.nodeClass === NodeClass.View,
  };
}
