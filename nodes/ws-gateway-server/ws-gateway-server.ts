import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { NodeAPI, NodeDef } from 'node-red';
import { defaultLimits, GatewayEndpoint, PathTakenError, isHttpNodeAuth, parseUserList, type AuthPolicy, type EndpointOptions, type ListenOn, type VerifyClient } from '../../lib/server';
import { builtinDialect, type BuiltinSources } from '../../lib/dialects/builtin';
import { resolveDialectSources, resolveStatusSources } from '../shared/dialect-sources';
import { opcuaPkiFolder, type OpcuaPkiSettings } from '../shared/opcua-pki';
import { runtimeTags, type TagSettings } from '../shared/runtime-tags';
import { acquireServerSources } from '../shared/source-holds';
import { forwardSourceProblems } from '../shared/source-status';
import type { GatewayServerCredentials, GatewayServerNode } from '../shared/server-node';
import { messageOf } from '../../lib/util/errors';
import { readInteger, readNumber } from '../../lib/util/options';
import { defaultTagSpaceOptions } from '../../lib/tags';

interface ServerDef extends NodeDef {
  [field: string]: unknown;
  listen: 'path' | 'port';
  path: string;
  host: string;
  port: number | string;
  tls: boolean;
  tlsCert: string;
  tlsKey: string;
  dialect: string;
  subprotocols: string;
  auth: 'none' | 'users' | 'token';
  useHttpNodeAuth: boolean;
  origins: string;
  maxFrameBytes: number | string;
  maxClients: number | string;
  maxInFlight: number | string;
  outboundBudgetBytes: number | string;
  overBudgetCloseSeconds: number | string;
  pingIntervalSeconds: number | string;
  rawTags: string;
  gatewayEndpoints?: string;
  gatewayPkiFolder?: string;
}

/** The memory bounds settings.js may set (see docs/reliability/memory.md). */
interface MemorySettings {
  wsGatewayServerHistorySize: number;
  wsGatewayServerHistoryBytesPerTag: number;
  wsGatewayServerHistoryBytesTotal: number;
  wsGatewayServerMaxValueBytes: number;
  wsGatewayServerMaxJsonDepth: number;
  wsGatewayServerMaxQueued: number;
  wsGatewayServerOutboundHardCapBytes: number;
}

/** Settings a user may put in settings.js; names follow Node-RED's rule (prefixed by the node type). */
interface GatewaySettings extends TagSettings, OpcuaPkiSettings {
  httpNodeRoot?: string | false;
  httpNodeAuth?: unknown;
  webSocketNodeVerifyClient?: VerifyClient;
  /** Nesting limit of JSON frames and REST bodies for every server (EndpointLimits.maxJsonDepth). */
  wsGatewayServerMaxJsonDepth?: unknown;
  /** Requests of one client that wait for an in-flight slot (EndpointLimits.maxQueued). */
  wsGatewayServerMaxQueued?: unknown;
  /** Bytes never held for one client; 0 or unset: 4 × the node's send budget (EndpointLimits.outboundHardCapBytes). */
  wsGatewayServerOutboundHardCapBytes?: unknown;
}

export = function registerGatewayServer(RED: NodeAPI): void {
  function GatewayServer(this: GatewayServerNode, config: ServerDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const settings = RED.settings as unknown as GatewaySettings;
    node.dialect = config.dialect || 'raw';
    node.endpoint = undefined;
    node.failure = undefined;
    // The server listens from deploy on (it is itself what clients use); the connections it serves
    // from open now, for it, and close when it goes (unless another server or a redeploy takes them over).
    const releaseSources = acquireServerSources(RED, config);
    node.statusSources = resolveStatusSources(RED, config);
    let stopForwarding = (): void => {};

    const fail = (message: string): void => {
      node.failure = message;
      node.error(message);
    };

    try {
      const dialect = builtinDialect(node.dialect);
      if (!dialect) throw new Error(RED._('ws-gateway-server.errors.unknown-dialect', { dialect: node.dialect }));
      const listen = listenOn(config, node.credentials, settings, RED.server as unknown as Server);
      const options: EndpointOptions<BuiltinSources> = {
        id: node.id,
        listen,
        dialect,
        // Every field of the node reaches the dialect, so a dialect's own options need no plumbing here.
        dialectOptions: node.dialect === 'opcua-gateway' ? { ...config, gatewayPkiFolder: gatewayPkiFolder(config, settings, node) } : config,
        sources: resolveDialectSources(RED, config),
        subprotocols: splitList(config.subprotocols),
        auth: authPolicy(config, node.credentials),
        origins: splitList(config.origins),
        httpNodeAuth: listen.kind === 'path' && config.useHttpNodeAuth !== false && isHttpNodeAuth(settings.httpNodeAuth) ? settings.httpNodeAuth : undefined,
        verifyClient: settings.webSocketNodeVerifyClient,
        limits: {
          // Empty: the dialect's default (1 MiB; Zato 4 MiB, since its clients escape non-ASCII text).
          ...frameLimit(config.maxFrameBytes),
          maxClients: readInteger(config.maxClients, { fallback: 100, min: 1 }),
          maxInFlight: readInteger(config.maxInFlight, { fallback: 16, min: 1 }),
          maxQueued: readInteger(settings.wsGatewayServerMaxQueued, { fallback: 256 }),
          outboundBudgetBytes: readInteger(config.outboundBudgetBytes, { fallback: 1024 * 1024, min: 1 }),
          ...hardCap(settings),
          overBudgetCloseMs: readNumber(config.overBudgetCloseSeconds, { fallback: 10, aboveMin: true }) * 1000,
          pingIntervalMs: readNumber(config.pingIntervalSeconds, { fallback: 30 }) * 1000,
          maxJsonDepth: readInteger(settings.wsGatewayServerMaxJsonDepth, { fallback: defaultLimits.maxJsonDepth, min: 1 }),
        },
        log: { info: (text) => node.log(text), warn: (text) => node.warn(text), error: (text) => node.error(text) },
      };
      const endpoint = new GatewayEndpoint(options, runtimeTags(settings).space);
      node.endpoint = endpoint;
      stopForwarding = forwardSourceProblems(endpoint.hooks, node.id, node.statusSources);
      endpoint.start().catch((error: unknown) => {
        node.endpoint = undefined;
        if (error instanceof PathTakenError) {
          fail(RED._('ws-gateway-server.errors.duplicate-path', { path: error.path }));
        } else {
          const address = listen.kind === 'port' ? `${listen.host}:${listen.port}` : config.path;
          fail(RED._('ws-gateway-server.errors.listen-failed', { address, error: messageOf(error) }));
        }
        endpoint.emit('clients', 0);
      });
    } catch (error) {
      fail(messageOf(error));
    }

    node.on('close', (_removed: boolean, done: () => void) => {
      stopForwarding();
      const endpoint = node.endpoint;
      node.endpoint = undefined;
      if (!endpoint) {
        releaseSources();
        return done();
      }
      // The dialect lets go of its sources (monitored items, pollers) before they may close.
      endpoint.close().then(() => {
        releaseSources();
        done();
      }, (error: unknown) => {
        releaseSources();
        node.error(messageOf(error));
        done();
      });
    });
  }

  function listenOn(config: ServerDef, credentials: GatewayServerCredentials, settings: GatewaySettings, nodeRedServer: Server): ListenOn {
    if (config.listen === 'port') {
      const port = Number(config.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port ${config.port}`);
      const host = config.host || '127.0.0.1';
      if (!config.tls) return { kind: 'port', host, port };
      try {
        return { kind: 'port', host, port, tls: { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey), passphrase: credentials.tlsPassphrase || undefined } };
      } catch (error) {
        throw new Error(RED._('ws-gateway-server.errors.tls-files', { error: messageOf(error) }), { cause: error });
      }
    }
    if (settings.httpNodeRoot === false) throw new Error('httpNodeRoot is false: Node-RED serves no HTTP nodes, use an own port');
    const root = settings.httpNodeRoot || '/';
    const path = joinPath(root, config.path || '/');
    return { kind: 'path', server: nodeRedServer, path };
  }

  RED.nodes.registerType<GatewayServerNode, ServerDef, MemorySettings, GatewayServerCredentials>('ws-gateway-server', GatewayServer, {
    credentials: {
      users: { type: 'password' },
      token: { type: 'password' },
      tlsPassphrase: { type: 'password' },
    },
    settings: {
      wsGatewayServerHistorySize: { value: defaultTagSpaceOptions.historySize, exportable: false },
      wsGatewayServerHistoryBytesPerTag: { value: defaultTagSpaceOptions.historyBytesPerTag, exportable: false },
      wsGatewayServerHistoryBytesTotal: { value: defaultTagSpaceOptions.historyBytesTotal, exportable: false },
      wsGatewayServerMaxValueBytes: { value: defaultTagSpaceOptions.maxValueBytes, exportable: false },
      wsGatewayServerMaxJsonDepth: { value: defaultLimits.maxJsonDepth, exportable: false },
      wsGatewayServerMaxQueued: { value: 256, exportable: false },
      wsGatewayServerOutboundHardCapBytes: { value: 0, exportable: false },
    },
  });
};

/**
 * The opcua-gateway's sessions use the one PKI folder of every OPC UA client session (the ws-gateway-opcua
 * nodes' too), unless the node names a folder of its own (a field kept for flows that set one).
 */
function gatewayPkiFolder(config: ServerDef, settings: GatewaySettings, node: GatewayServerNode): string {
  const configured = (config.gatewayPkiFolder ?? '').trim();
  if (configured) return configured;
  return opcuaPkiFolder(settings, { info: (text) => node.log(text), warn: (text) => node.warn(text) });
}

function authPolicy(config: ServerDef, credentials: GatewayServerCredentials): AuthPolicy {
  if (config.auth === 'users') return { kind: 'users', users: parseUserList(credentials.users) };
  if (config.auth === 'token') {
    if (!credentials.token) throw new Error('token authentication needs a token');
    return { kind: 'token', token: credentials.token };
  }
  return { kind: 'none' };
}

function joinPath(root: string, path: string): string {
  return `${root.endsWith('/') ? root.slice(0, -1) : root}/${path.startsWith('/') ? path.slice(1) : path}`;
}

/** The hard cap from settings.js, when set; otherwise the endpoint derives it from the budget. */
function hardCap(settings: GatewaySettings): { outboundHardCapBytes?: number } {
  const outboundHardCapBytes = readInteger(settings.wsGatewayServerOutboundHardCapBytes, { fallback: undefined, min: 1 });
  return outboundHardCapBytes === undefined ? {} : { outboundHardCapBytes };
}

function splitList(text: string | undefined): string[] {
  return (text ?? '').split(',').map((item) => item.trim()).filter((item) => item.length > 0);
}

/** An empty field leaves the frame limit to the dialect's own default. */
function frameLimit(value: number | string | undefined): { maxFrameBytes?: number } {
  const maxFrameBytes = readNumber(value, { fallback: undefined, aboveMin: true });
  return maxFrameBytes === undefined ? {} : { maxFrameBytes };
}
