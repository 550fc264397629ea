// The demo's ports and the one function that moves the example flows to other ones. The example flows
// name the demo's fixed ports; `npm start` (PORT, DEMO_*_PORT), `npm run demo:cluster` and the tests
// (free ports, so that they run beside a running demo) all move them here, so a new example with a port
// of its own needs one rule here, not one per caller.

export const HOST = '127.0.0.1';

/** The ports the example flows name. */
export const DEMO_PORTS = Object.freeze({
  /** Node-RED (the endpoints on paths, and ws-gateway-client nodes that call them). */
  http: 1880,
  /** The EVOK 3 server on EVOK 3's own port (WebSocket and REST). */
  evok3: 8080,
  /** The ASNeG OPC UA WebSocket Server API (opcua-server dialect). */
  opcuaServer: 8081,
  /** The ASNeG OPC UA WebSocket Gateway API (opcua-gateway dialect). */
  opcuaGateway: 8082,
  /** The demo OPC UA server (opc.tcp). */
  opcua: 4840,
  /** The Modbus (Neuron) simulator. */
  modbus: 5020,
});

/** The environment variable that moves each port of `npm start` (and of `npm run demo:cluster`). */
export const PORT_VARIABLES = Object.freeze({
  http: 'PORT',
  evok3: 'DEMO_EVOK3_PORT',
  opcuaServer: 'DEMO_ASNEG_PORT',
  opcuaGateway: 'DEMO_GATEWAY_PORT',
  opcua: 'DEMO_OPCUA_PORT',
  modbus: 'DEMO_MODBUS_PORT',
});

export class PortError extends Error {}

/** A port number from text, or `fallback` when the text is empty or missing. */
export function readPort(value, name, fallback) {
  if (value === undefined || value.trim() === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new PortError(`${name} must be an integer from 1 to 65535, got "${value}"`);
  return port;
}

/** Every demo port, as the environment sets it (PORT, DEMO_*_PORT), else the default. */
export function demoPortsFromEnv(env = process.env) {
  return Object.fromEntries(Object.entries(DEMO_PORTS).map(([key, port]) => [key, readPort(env[PORT_VARIABLES[key]], PORT_VARIABLES[key], port)]));
}

/** The environment that makes `npm start` use `ports` (each one given), e.g. for the simulators it starts. */
export function demoPortsEnv(ports) {
  return Object.fromEntries(Object.entries(ports).filter(([key, port]) => key in PORT_VARIABLES && port !== undefined).map(([key, port]) => [PORT_VARIABLES[key], String(port)]));
}

/**
 * The example flows moved from the demo's ports (DEMO_PORTS) to `ports` (any subset; the others stay):
 * ws-gateway-client URLs of Node-RED's own endpoints, OPC UA endpoint URLs (connections and the
 * gateway's allowed endpoints), the Modbus connection to the simulator, and servers on their own port.
 * Servers that listen on a path keep their (unused) port field as it is.
 */
export function moveDemoPorts(flows, ports) {
  const to = { ...DEMO_PORTS, ...Object.fromEntries(Object.entries(ports).filter(([, port]) => port !== undefined)) };
  const moveOpcua = (text) => text.replaceAll(`opc.tcp://${HOST}:${DEMO_PORTS.opcua}`, `opc.tcp://${HOST}:${to.opcua}`);
  const ownPorts = new Map([[DEMO_PORTS.evok3, to.evok3], [DEMO_PORTS.opcuaServer, to.opcuaServer], [DEMO_PORTS.opcuaGateway, to.opcuaGateway]]);
  return flows.map((node) => {
    if (node.type === 'ws-gateway-client' && typeof node.url === 'string') {
      return { ...node, url: node.url.replace(`//${HOST}:${DEMO_PORTS.http}/`, `//${HOST}:${to.http}/`) };
    }
    if (node.type === 'ws-gateway-opcua' && typeof node.endpointUrl === 'string') return { ...node, endpointUrl: moveOpcua(node.endpointUrl) };
    if (node.type === 'ws-gateway-modbus' && node.host === HOST && Number(node.port) === DEMO_PORTS.modbus) return { ...node, port: to.modbus };
    if (node.type !== 'ws-gateway-server') return node;
    // Every server carries gatewayEndpoints (the examples set every property), so both rules apply in turn.
    let server = typeof node.gatewayEndpoints === 'string' ? { ...node, gatewayEndpoints: moveOpcua(node.gatewayEndpoints) } : node;
    if (server.listen === 'port' && ownPorts.has(Number(server.port))) server = { ...server, port: ownPorts.get(Number(server.port)) };
    return server;
  });
}
