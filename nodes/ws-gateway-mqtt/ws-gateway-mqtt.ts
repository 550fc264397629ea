import fs = require('node:fs');
import os = require('node:os');
import type { NodeAPI, NodeDef } from 'node-red';
import { MqttBridge, type BridgeDirection, type MqttBridgeOptions } from '../../lib/mqtt';
import { messageOf } from '../../lib/util/errors';
import { readNumber } from '../../lib/util/options';
import { runtimeTags, type TagSettings } from '../shared/runtime-tags';
import { tagSpaceUsers } from '../shared/tag-space-users';
import type { MqttConfigNode, MqttNodeCredentials } from './mqtt-node';

interface MqttDef extends NodeDef {
  broker: string;
  clientId: string;
  prefix: string;
  direction: string;
  publish: string;
  import: string;
  remoteWrites: string;
  writeTimeout: number | string;
  tlsCa: string;
  tlsCert: string;
  tlsKey: string;
  rejectUnauthorized: boolean;
}

const DIRECTIONS: readonly BridgeDirection[] = ['both', 'publish', 'import'];

export = function registerGatewayMqtt(RED: NodeAPI): void {
  const settings = RED.settings as unknown as TagSettings;

  function GatewayMqtt(this: MqttConfigNode, config: MqttDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    node.bridge = undefined;
    const space = runtimeTags(settings).space;
    let tagSpaceHold: { release(): void } | undefined;
    try {
      const credentials: MqttNodeCredentials = node.credentials ?? {};
      const options: MqttBridgeOptions = {
        url: (config.broker || '').trim(),
        // Unique per broker and stable across restarts, so the instance's state topic stays the same.
        clientId: (config.clientId || '').trim() || `ws-gateway-${os.hostname().replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 32)}-${node.id.replace(/[^A-Za-z0-9]/g, '')}`,
        prefix: config.prefix || 'ws-gateway',
        direction: DIRECTIONS.find((direction) => direction === config.direction) ?? 'both',
        publish: config.publish ?? '',
        import: config.import ?? '',
        remoteWrites: config.remoteWrites ?? '',
        writeTimeoutMs: readNumber(config.writeTimeout, { fallback: undefined, aboveMin: true }),
        username: credentials.user || undefined,
        password: credentials.password || undefined,
        ca: readPem(config.tlsCa),
        cert: readPem(config.tlsCert),
        key: readPem(config.tlsKey),
        rejectUnauthorized: config.rejectUnauthorized !== false,
        sourceId: `mqtt:${node.id}`,
      };
      const bridge = new MqttBridge(space, options, { info: (text) => node.log(text), warn: (text) => node.warn(text) });
      node.bridge = bridge;
      // The bridge is an endpoint (no flow node names it) and connects on deploy; when it publishes
      // this instance's tags, it uses every OPC UA and Modbus connection, which then stay open.
      if (options.direction !== 'import') tagSpaceHold = tagSpaceUsers().acquire();
      bridge.start();
    } catch (error) {
      node.error(messageOf(error));
    }

    node.on('close', (_removed: boolean, done: () => void) => {
      const bridge = node.bridge;
      node.bridge = undefined;
      // Released after the bridge has said goodbye, so it never sees this instance's sources leave first.
      const release = (): void => { tagSpaceHold?.release(); };
      if (!bridge) {
        release();
        return done();
      }
      bridge.close().then(() => {
        release();
        done();
      }, (error: unknown) => {
        release();
        node.error(messageOf(error));
        done();
      });
    });
  }

  /** A TLS file named in the editor, read at deploy; an unreadable one fails the node with its path. */
  function readPem(file: string | undefined): string | undefined {
    const path = (file ?? '').trim();
    if (path === '') return undefined;
    try {
      return fs.readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(RED._('ws-gateway-mqtt.errors.tls-file', { file: path, reason: messageOf(error) }), { cause: error });
    }
  }

  RED.nodes.registerType<MqttConfigNode, MqttDef, Record<string, never>, MqttNodeCredentials>('ws-gateway-mqtt', GatewayMqtt, {
    credentials: {
      user: { type: 'text' },
      password: { type: 'password' },
    },
  });
};
