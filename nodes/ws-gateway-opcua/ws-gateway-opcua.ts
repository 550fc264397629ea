import type { NodeAPI, NodeDef } from 'node-red';
import { NodeClass, resolveNodeId, type ReferenceDescription } from 'node-opcua';
import {
  OpcuaEndpoint, isSecurityMode, isSecurityPolicy, parseVariableList, statusOf, type OpcuaIdentity,
} from '../../lib/opcua';
import { readNumber } from '../../lib/util/options';
import { opcuaPkiFolder, type OpcuaPkiSettings } from '../shared/opcua-pki';
import { runtimeTags, type TagSettings } from '../shared/runtime-tags';
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
    try {
      const endpointUrl = (config.endpointUrl || '').trim();
      if (!/^opc\.tcp:\/\/[^\s/]+/.test(endpointUrl)) throw new Error(RED._('ws-gateway-opcua.errors.endpoint', { url: endpointUrl }));
      const securityMode = isSecurityMode(config.securityMode) ? config.securityMode : 'None';
      const securityPolicy = securityMode === 'None' ? 'None' : isSecurityPolicy(config.securityPolicy) ? config.securityPolicy : 'Basic256Sha256';
      const { variables, problems } = parseVariableList(config.variables);
      for (const problem of problems) node.warn(RED._('ws-gateway-opcua.errors.variable', { problem }));
      const endpoint = new OpcuaEndpoint({
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
      });
      node.endpoint = endpoint;
      tags.addSource(endpoint.tagSource);
      endpoint.start();
    } catch (error) {
      node.error(messageOf(error));
    }

    node.on('close', (_removed: boolean, done: () => void) => {
      const endpoint = node.endpoint;
      node.endpoint = undefined;
      if (!endpoint) return done();
      tags.removeSource(endpoint.tagSource.id);
      endpoint.close().then(done, (error: unknown) => {
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

  // The editor's "browse the server" helper: children of one node, through the deployed node's live session.
  RED.httpAdmin.get('/ws-gateway-opcua/:id/browse', RED.auth.needsPermission('ws-gateway-opcua.read'), (request, response) => {
    const node = RED.nodes.getNode(String(request.params.id)) as OpcuaConfigNode | null;
    const endpoint = node?.endpoint;
    if (!endpoint) {
      response.status(404).json({ error: RED._('ws-gateway-opcua.errors.not-deployed') });
      return;
    }
    let start;
    try {
      start = typeof request.query.nodeId === 'string' && request.query.nodeId !== '' ? endpoint.connection.nodeId(request.query.nodeId) : resolveNodeId('ObjectsFolder');
    } catch (error) {
      response.status(400).json({ error: messageOf(error) });
      return;
    }
    endpoint.connection.browse(start).then((references) => {
      response.json({ nodeId: start.toString(), children: references.map(browseEntry) });
    }, (error: unknown) => {
      response.status(503).json({ error: messageOf(error), status: statusOf(error).name });
    });
  });
};

function browseEntry(reference: ReferenceDescription): BrowseEntry {
  return {
    nodeId: reference.nodeId.toString(),
    browseName: reference.browseName.toString(),
    displayName: reference.displayName.text ?? reference.browseName.name ?? '',
    nodeClass: NodeClass[reference.nodeClass] ?? String(reference.nodeClass),
    hasChildren: reference.nodeClass === NodeClass.Object || reference.nodeClass === NodeClass.View,
  };
}
