import type { NodeAPI, NodeStatus } from 'node-red';
import type { BuiltinSources } from '../../lib/dialects/builtin';
import type { HttpHandler } from '../../lib/dialects/evok';
import type { OpcuaConnection } from '../../lib/opcua';
import type { ModbusConfigNode } from '../ws-gateway-modbus/modbus-node';
import type { OpcuaConfigNode } from '../ws-gateway-opcua/opcua-node';
import type { StatusSource } from './source-status';

/** The fields of a ws-gateway-server node that name the config nodes its dialect serves. */
export interface SourceReferences {
  [field: string]: unknown;
}

/**
 * Finds the connections (ws-gateway-opcua, ws-gateway-modbus, ...) a server node refers to and hands
 * them to its dialect. Each data-area node adds its own lines here.
 */
export function resolveDialectSources(RED: NodeAPI, config: SourceReferences): Partial<BuiltinSources> {
  const sources: Partial<BuiltinSources> = {};
  const modbus = modbusNode(RED, config);
  if (modbus?.gateway) sources.modbus = modbus.gateway;
  // EVOK clients mix the WebSocket with REST on the same root: Node-RED's httpNode serves it.
  if (config.dialect === 'evok' && config.listen !== 'port') sources.evokHttp = { mount: (handler) => mountOnHttpNode(RED, handler) };
  // ws-gateway-opcua (opcua-server dialect): its shared connection and variable list.
  const opcua = opcuaNode(RED, config);
  if (opcua?.endpoint) sources.opcua = opcua.endpoint;
  // opcua-gateway (8082): only the node's configuration; its clients open their own sessions.
  if (config.dialect === 'opcua-gateway' && opcua?.options) sources.opcuaPeer = opcua.options;
  return sources;
}

/** The status of the config nodes a server serves data from, for its flow nodes' status and ERROR hooks. */
export function resolveStatusSources(RED: NodeAPI, config: SourceReferences): StatusSource[] {
  const statusSources: StatusSource[] = [];
  const modbus = modbusNode(RED, config);
  if (modbus) statusSources.push(modbus.statusSource);
  const opcua = opcuaNode(RED, config);
  if (opcua?.endpoint) statusSources.push(opcuaStatusSource(opcua.endpoint.connection));
  return statusSources;
}

/** The ws-gateway-modbus node an EVOK server names, if any. */
export function modbusNode(RED: NodeAPI, config: SourceReferences): ModbusConfigNode | undefined {
  if (config.dialect !== 'evok' || typeof config.modbus !== 'string' || config.modbus === '') return undefined;
  return (RED.nodes.getNode(config.modbus) as ModbusConfigNode | null) ?? undefined;
}

/** The ws-gateway-opcua node a server names, if any. */
export function opcuaNode(RED: NodeAPI, config: SourceReferences): OpcuaConfigNode | undefined {
  if (typeof config.opcua !== 'string' || config.opcua === '') return undefined;
  return (RED.nodes.getNode(config.opcua) as OpcuaConfigNode | null) ?? undefined;
}

/**
 * The OPC UA connection as a status source: green when connected, yellow while connecting, reconnecting
 * or when the server announced its shutdown, red when the server cannot be reached or refuses us. The
 * ERROR hooks hear each change once (a loss, a shutdown notice), not every retry within it.
 */
export function opcuaStatusSource(connection: OpcuaConnection): StatusSource {
  const statusOf = (): NodeStatus => {
    if (connection.connected) {
      const notice = connection.shutdownNotice;
      return notice ? { fill: 'yellow', shape: 'ring', text: `OPC UA ${notice}` } : { fill: 'green', shape: 'dot', text: 'OPC UA connected' };
    }
    const state = connection.state;
    if (state === 'unreachable' || state === 'failed') return { fill: 'red', shape: 'ring', text: `OPC UA ${state}: ${connection.stateDetail}` };
    return { fill: 'yellow', shape: 'ring', text: `OPC UA ${state}` };
  };
  return {
    get status() { return statusOf(); },
    onChange(listener) {
      let reported = connection.state;
      const onState = (): void => {
        const changed = connection.state !== reported;
        reported = connection.state;
        listener(statusOf(), changed && !connection.connected ? `OPC UA ${connection.state}: ${connection.stateDetail}` : undefined);
      };
      const onShutdown = (notice: string): void => listener(statusOf(), `OPC UA ${notice}`);
      connection.on('state', onState);
      connection.on('shutdown', onShutdown);
      return () => {
        connection.off('state', onState);
        connection.off('shutdown', onShutdown);
      };
    },
  };
}

interface RouterLayer { handle: unknown }
interface ExpressLike { use(handler: HttpHandler): void; _router?: { stack: RouterLayer[] } }

/** Adds a handler to RED.httpNode; the remover takes exactly that layer out again (redeploys). */
function mountOnHttpNode(RED: NodeAPI, handler: HttpHandler): () => void {
  const app = RED.httpNode as unknown as ExpressLike;
  let mounted = true;
  // A removed handler that express still holds passes every request on.
  const guarded: HttpHandler = (request, response, next) => (mounted ? handler(request, response, next) : next());
  app.use(guarded);
  return () => {
    mounted = false;
    const stack = app._router?.stack;
    if (!stack) return;
    const index = stack.findIndex((layer) => layer.handle === guarded);
    if (index >= 0) stack.splice(index, 1);
  };
}
