#!/usr/bin/env node
// `npm run demo:cluster`: the demo on two Node-RED instances sharing one tag space through MQTT.
//
//  1. builds the package when needed and makes sure Debian's mosquitto is there (installed with apt-get
//     when missing and run as root, else a message saying how);
//  2. starts Mosquitto on 127.0.0.1:DEMO_MQTT_PORT (default 1883) with a config in demo/cluster/;
//  3. starts the embedded simulators (OPC UA demo server, Modbus) once, for instance A;
//  4. starts instance A (PORT_A, default 1880) with the example flows as `npm start` has them, and
//     instance B (PORT_B, default 1881) with the same flows minus its own sources (no OPC UA or Modbus
//     connection, no server on a port of its own); both get a ws-gateway-mqtt node under the prefix
//     DEMO_MQTT_PREFIX (default ws-gateway-demo). A publishes its tags, B imports them.
//  Ctrl-C stops everything. Environment of `npm start` (DEMO_NODE_FLAGS, DEMO_LOG_LEVEL, DEMO_SKIP_BUILD,
//  DEMO_OPCUA_PORT, DEMO_MODBUS_PORT, simulator switches) applies too; DEMO_ASNEG_PORT and
//  DEMO_GATEWAY_PORT move A's 8081 and 8082 servers, DEMO_CLUSTER_DIR the user directories (tests).
//
// Try it: a WinCC OA client on ws://127.0.0.1:1881/winccoa (demo/demo) sees Sine. change; a DpSet of
// Setpoint. there changes the OPC UA demo variable that an 8081 client on A reads.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ensureDebianPackage } from './ensure-debian-package.mjs';
import { relaunch } from './relaunch.mjs';
import { revertFlags } from './security-revert.mjs';
import {
  defaultNodeFlags, HOST, ROOT, SIMULATORS_DIR, buildReason, loadSimulators, parseNodeFlags, parsePort,
  prepareUserDir, startSimulators, stopSimulators,
} from './start-demo.mjs';

const CLUSTER_DIR = process.env.DEMO_CLUSTER_DIR ? path.resolve(process.env.DEMO_CLUSTER_DIR) : path.join(ROOT, 'demo', 'cluster');
const log = (text) => console.log(`[cluster] ${text}`);

/** The config node that links an instance to the shared namespace. */
export function mqttNode({ id, clientId, brokerPort, prefix, direction }) {
  return {
    id, type: 'ws-gateway-mqtt', name: `shared namespace (${clientId})`, broker: `mqtt://${HOST}:${brokerPort}`, clientId, prefix,
    direction, publish: '', import: '', remoteWrites: '', writeTimeout: 5000, tlsCa: '', tlsCert: '', tlsKey: '', rejectUnauthorized: true,
  };
}

/**
 * Instance B's flows: the examples without the nodes that own a source or a port of their own (OPC UA
 * and Modbus connections, servers on their own port, and the flow nodes of those servers), so that every
 * tag has exactly one owner, A, and the two instances do not fight over ports.
 */
export function withoutLocalSources(flows) {
  const dropped = new Set(flows.filter((node) => node.type === 'ws-gateway-opcua' || node.type === 'ws-gateway-modbus'
    || (node.type === 'ws-gateway-server' && (node.listen === 'port' || node.modbus || node.opcua))).map((node) => node.id));
  return flows.filter((node) => !dropped.has(node.id) && !dropped.has(node.server));
}

function mosquittoBinary() {
  if (!ensureDebianPackage('mosquitto', ['sh', '-c', 'command -v mosquitto || test -x /usr/sbin/mosquitto'])) {
    throw new Error("demo:cluster needs Debian's mosquitto broker: sudo apt-get install -y mosquitto");
  }
  return spawnSync('sh', ['-c', 'command -v mosquitto || echo /usr/sbin/mosquitto'], { encoding: 'utf8' }).stdout.trim();
}

function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

function writeFlows(userDir, flows) {
  fs.writeFileSync(path.join(userDir, 'flows.json'), `${JSON.stringify(flows, null, 4)}\n`);
}

async function main() {
  const portA = parsePort(process.env.PORT_A ?? '1880');
  const portB = parsePort(process.env.PORT_B ?? '1881');
  const brokerPort = parsePort(process.env.DEMO_MQTT_PORT ?? '1883');
  const prefix = process.env.DEMO_MQTT_PREFIX || 'ws-gateway-demo';
  const nodeFlags = parseNodeFlags(process.env.DEMO_NODE_FLAGS ?? defaultNodeFlags());

  const reason = /^\s*(1|on|true|yes)\s*$/i.test(process.env.DEMO_SKIP_BUILD ?? '') ? undefined : buildReason();
  if (reason) {
    log(`building (${reason}) ...`);
    const built = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build failed');
  }
  const mosquitto = mosquittoBinary();
  if (!(await portFree(brokerPort))) throw new Error(`port ${brokerPort} is taken (another broker?); set DEMO_MQTT_PORT`);

  fs.mkdirSync(CLUSTER_DIR, { recursive: true });
  const brokerConfig = path.join(CLUSTER_DIR, 'mosquitto.conf');
  fs.writeFileSync(brokerConfig, [`listener ${brokerPort} ${HOST}`, 'allow_anonymous true', 'persistence false', 'log_type error', 'log_type warning', ''].join('\n'));

  const userDirA = path.join(CLUSTER_DIR, 'instance-a');
  const userDirB = path.join(CLUSTER_DIR, 'instance-b');
  const { flows: flowsA } = prepareUserDir({ userDir: userDirA, port: portA });
  writeFlows(userDirA, [...flowsA, mqttNode({ id: 'c1a5e70000000a01', clientId: 'instance-a', brokerPort, prefix, direction: 'both' })]);
  const { flows: flowsB } = prepareUserDir({ userDir: userDirB, port: portB });
  // B owns nothing: it imports; its own flow tags (the examples' generators) stay local.
  writeFlows(userDirB, [...withoutLocalSources(flowsB), mqttNode({ id: 'c1a5e70000000b01', clientId: 'instance-b', brokerPort, prefix, direction: 'import' })]);

  const instances = [];
  let stopping = false;
  // The instances go first, so that they can still say `offline` to the broker.
  const stopAll = (signal) => {
    stopping = true;
    for (const child of instances) if (child.exitCode === null) child.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stopAll(signal));

  const broker = spawn(mosquitto, ['-c', brokerConfig], { stdio: ['ignore', 'inherit', 'inherit'] });
  log(`Mosquitto on mqtt://${HOST}:${brokerPort}, prefix ${prefix}`);

  const { started } = await startSimulators(await loadSimulators(process.env.DEMO_SIMULATORS_DIR || SIMULATORS_DIR), process.env, () => stopping);
  const redJs = createRequire(path.join(ROOT, 'package.json')).resolve('node-red/red.js');
  const exits = [];
  for (const [name, userDir, port] of [['A', userDirA, portA], ['B', userDirB, portB]]) {
    const child = spawn(process.execPath, [...nodeFlags, redJs, '--userDir', userDir, '--port', String(port)], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, PORT: String(port) } });
    instances.push(child);
    exits.push(new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 0))));
    log(`instance ${name}: http://${HOST}:${port}/ (user dir ${path.relative(ROOT, userDir)})`);
  }
  log(`WinCC OA on B: ws://${HOST}:${portB}/winccoa (demo/demo); ASNeG on A: ws://${HOST}:${process.env.DEMO_ASNEG_PORT || 8081}`);
  // One instance gone ends the demo: the other would only show a half.
  const code = await Promise.race(exits);
  stopAll('SIGTERM');
  await Promise.all(exits);
  if (broker.exitCode === null) {
    const gone = new Promise((resolve) => broker.once('exit', resolve));
    broker.kill('SIGTERM');
    // Mosquitto 2.0 can miss a SIGTERM that comes just after it started: then it is killed.
    const stubborn = setTimeout(() => broker.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(stubborn);
  }
  await stopSimulators(started);
  return code;
}

const invokedAs = process.argv[1] ? fs.realpathSync(path.resolve(process.argv[1])) : '';
const missingFlags = revertFlags().filter((flag) => !process.execArgv.includes(flag));
if (invokedAs === fs.realpathSync(new URL(import.meta.url).pathname) && missingFlags.length > 0) {
  // The OPC UA demo server runs in this process; on Node 20 its Basic128Rsa15 endpoints need the flag.
  relaunch(invokedAs, missingFlags, 'cluster');
} else if (invokedAs === fs.realpathSync(new URL(import.meta.url).pathname)) {
  main().then((code) => process.exit(code), (error) => {
    console.error(`[cluster] ${error?.message ?? error}`);
    process.exit(1);
  });
}
