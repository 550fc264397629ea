import { readFileSync } from 'node:fs';
import type { NodeAPI, NodeDef } from 'node-red';
import { clientDefaults, defaultClientId, GatewayClient, type ClientTls, type GatewayClientOptions } from '../../lib/client';
import type { GatewayClientCredentials, GatewayClientNode } from './client-node';
import { messageOf } from '../../lib/util/errors';
import { configLease } from '../shared/config-lease';
import { readInteger, readNumber } from '../../lib/util/options';

interface ClientDef extends NodeDef {
  url: string;
  mode: 'plain' | 'zato';
  autoReconnect: boolean;
  headers: string;
  subprotocol: string;
  subscriptions: string;
  dataFormat: 'json' | 'text';
  correlationField?: string;
  clientId: string;
  clientName: string;
  tlsCa: string;
  tlsCert: string;
  tlsKey: string;
  allowSelfSigned: boolean;
  /** Times in seconds (fractions allowed, so tests and impatient users can go below one second). */
  pingInterval: number | string;
  pingsMissedThreshold: number | string;
  responseTimeout: number | string;
  sessionTimeout: number | string;
  requestReplyTimeout: number | string;
  reconnectFirst: number | string;
  reconnectMax: number | string;
}

export = function registerGatewayClient(RED: NodeAPI): void {
  function GatewayClientConfig(this: GatewayClientNode, config: ClientDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    node.mode = config.mode === 'zato' ? 'zato' : 'plain';
    node.client = undefined;
    node.failure = undefined;

    let options: GatewayClientOptions | undefined;
    try {
      options = clientOptions(config, node);
    } catch (error) {
      node.failure = messageOf(error);
      node.error(node.failure);
    }

    // The connection opens when the first ws-gateway-in or -out acquires the node and closes after the
    // last release. A config node has no status dot of its own: the client logs each state change once.
    const lease = options && configLease<GatewayClient>(RED, {
      open: () => {
        const client = new GatewayClient(options);
        node.client = client;
        client.start();
        return client;
      },
      close: async (client) => {
        if (node.client === client) node.client = undefined;
        await client.close();
      },
    });
    node.acquire = () => lease?.acquire();

    node.on('close', (_removed: boolean, done: () => void) => {
      if (!lease) return done();
      lease.end().then(done, (error: unknown) => {
        node.error(messageOf(error));
        done();
      });
    });
  }

  function clientOptions(config: ClientDef, node: GatewayClientNode): GatewayClientOptions {
    const url = (config.url ?? '').trim();
    if (!/^wss?:\/\/.+/i.test(url)) throw new Error(RED._('ws-gateway-client.errors.bad-url', { url }));
    const credentials: GatewayClientCredentials = node.credentials ?? {};
    const options: GatewayClientOptions = {
      url,
      mode: node.mode,
      autoReconnect: config.autoReconnect !== false,
      headers: parseHeaders(config.headers),
      subscriptions: (config.subscriptions ?? '').split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0),
      subscribeService: clientDefaults.subscribeService,
      pingIntervalMs: seconds(config.pingInterval, clientDefaults.pingIntervalMs, true),
      pingsMissedThreshold: readInteger(config.pingsMissedThreshold, { fallback: clientDefaults.pingsMissedThreshold, min: 1 }),
      responseTimeoutMs: seconds(config.responseTimeout, clientDefaults.responseTimeoutMs),
      sessionTimeoutMs: seconds(config.sessionTimeout, clientDefaults.sessionTimeoutMs),
      requestReplyTimeoutMs: seconds(config.requestReplyTimeout, clientDefaults.requestReplyTimeoutMs),
      dataFormat: config.dataFormat === 'text' ? 'text' : 'json',
      clientId: (config.clientId ?? '').trim() || defaultClientId(),
      clientName: (config.clientName ?? '').trim() || `WSX outconn - ${config.name || node.id}`,
      reconnectFirstMs: seconds(config.reconnectFirst, clientDefaults.reconnectFirstMs),
      reconnectMaxMs: seconds(config.reconnectMax, clientDefaults.reconnectMaxMs),
      reconnectResetMs: clientDefaults.reconnectResetMs,
      log: { info: (text) => node.log(text), warn: (text) => node.warn(text), error: (text) => node.error(text) },
    };
    if (config.subprotocol) options.subprotocol = config.subprotocol.trim();
    if (config.correlationField?.trim()) options.correlationField = config.correlationField.trim();
    if (credentials.username) options.username = credentials.username;
    if (credentials.secret) options.secret = credentials.secret;
    if (url.toLowerCase().startsWith('wss:')) options.tls = tlsOptions(config, credentials);
    return options;
  }

  function tlsOptions(config: ClientDef, credentials: GatewayClientCredentials): ClientTls {
    const tls: ClientTls = { rejectUnauthorized: !config.allowSelfSigned };
    try {
      if (config.tlsCa) tls.ca = readFileSync(config.tlsCa);
      if (config.tlsCert) tls.cert = readFileSync(config.tlsCert);
      if (config.tlsKey) tls.key = readFileSync(config.tlsKey);
    } catch (error) {
      throw new Error(RED._('ws-gateway-client.errors.tls-files', { error: messageOf(error) }), { cause: error });
    }
    if (credentials.tlsPassphrase) tls.passphrase = credentials.tlsPassphrase;
    return tls;
  }

  /** Headers are a JSON object of strings in the editor. */
  function parseHeaders(text: string | undefined): Record<string, string> {
    if (!text || text.trim() === '') return {};
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new Error(RED._('ws-gateway-client.errors.bad-headers'));
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(RED._('ws-gateway-client.errors.bad-headers'));
    const headers: Record<string, string> = {};
    for (const [name, header] of Object.entries(value)) headers[name.toLowerCase()] = String(header);
    return headers;
  }

  RED.nodes.registerType<GatewayClientNode, ClientDef, Record<string, never>, GatewayClientCredentials>('ws-gateway-client', GatewayClientConfig, {
    credentials: {
      username: { type: 'text' },
      secret: { type: 'password' },
      tlsPassphrase: { type: 'password' },
    },
  });
};

function seconds(value: number | string | undefined, fallbackMs: number, zeroAllowed = false): number {
  const number = readNumber(value, { fallback: undefined, aboveMin: !zeroAllowed });
  return number === undefined ? fallbackMs : Math.round(number * 1000);
}
