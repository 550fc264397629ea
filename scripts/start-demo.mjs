#!/usr/bin/env node
// `npm start`: the demo (README, Quick start) in one command.
//
//  1. builds the package when dist/ is missing or older than its sources;
//  2. prepares the Node-RED user directory demo/user-dir/ (git-ignored): settings.js, package.json,
//     node_modules/<this package> -> the repository root (a symlink), and flows.json made of every
//     example flow under examples/ (rewritten on every start);
//  3. starts the embedded simulators dist/demo/simulators/*.js (see demo/simulators/README.md), each
//     unless its environment switch is 0/off/false/no;
//  4. runs Node-RED from this project's own dependency in the same terminal, forwards SIGINT/SIGTERM/SIGHUP,
//     stops the simulators when Node-RED exits and exits with Node-RED's exit code.
//
// Environment:
//   PORT               Node-RED port (default 1880); Node-RED listens on 127.0.0.1 only
//   DEMO_NODE_FLAGS    Node.js flags for the Node-RED process, space separated; default
//                      "--security-revert=CVE-2023-46809" where this Node accepts it (Node 20), so that OPC UA
//                      Basic128Rsa15 (RSA PKCS#1 v1.5) works in the demo, and none on Node 22 and later, which
//                      decrypt PKCS#1 v1.5 without it and refuse the flag; set it to "" to run without it
//   DEMO_SKIP_BUILD    1 = never build, use dist/ as it is
//   DEMO_KEEP_FLOWS    1 = keep an existing demo/user-dir/flows.json (and flows_cred.json) instead of
//                      rewriting it from the examples
//   DEMO_LOG_LEVEL     Node-RED console log level (default "info")
//   <simulator switch> e.g. DEMO_OPCUA=0, DEMO_MODBUS=0: run without that simulator
//   DEMO_SIMULATORS_DIR  load the simulators from this folder instead of dist/demo/simulators (tests)
//   DEMO_EVOK3_PORT    port of the EVOK 3 example server (default 8080, EVOK 3's own; WebSocket and REST)
//   DEMO_ASNEG_PORT, DEMO_GATEWAY_PORT  ports of the ASNeG server and gateway examples (default 8081, 8082)
//   DEMO_OPCUA_PORT, DEMO_MODBUS_PORT   ports of the simulators (default 4840, 5020); the flows follow
//   DEMO_USER_DIR      the Node-RED user directory instead of demo/user-dir (tests run the demo in a temp dir)
// Security: the editor and admin API need the login DEMO_ADMIN (printed in the banner); other sites' pages
// can neither call the admin API nor open the endpoints' WebSockets (docs/reliability/demo-security.md).
// Arguments after `npm start --` go to Node-RED (e.g. `npm start -- --safe` or `-- -v`).
//
// The helpers are exported so that tests can use them without starting anything.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import bcrypt from 'bcryptjs';
import { HOST, PortError, demoPortsFromEnv, moveDemoPorts, readPort } from './demo-ports.mjs';
import { revertFlags } from './security-revert.mjs';

export { HOST };

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE_JSON = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
export const PACKAGE_NAME = PACKAGE_JSON.name;
export const USER_DIR = process.env.DEMO_USER_DIR ? path.resolve(process.env.DEMO_USER_DIR) : path.join(ROOT, 'demo', 'user-dir');
export const EXAMPLES_DIR = path.join(ROOT, 'examples');
export const SIMULATORS_DIR = path.join(ROOT, 'dist', 'demo', 'simulators');
const BUILD_MARKER = path.join(ROOT, 'dist', 'nodes', 'ws-gateway-server', 'ws-gateway-server.js');
/** Sources whose change makes the demo rebuild (directories are walked, symlinks never followed). */
const BUILD_INPUTS = ['lib', 'nodes', 'icons', 'demo', 'tsconfig.json', 'scripts/copy-assets.mjs'];
const SIMULATOR_STOP_TIMEOUT_MS = 10_000;

/**
 * Settings of this package's nodes for the demo (custom settings are camelCase and prefixed by the node
 * type, e.g. `wsGatewayServerMaxClients`). They are written into demo/user-dir/settings.js.
 */
const PACKAGE_SETTINGS = {
  // winccoa demo: ExampleDP_Trend1/2 change every second and keep an hour of history, plus the archive
  // of the seed's DpGetPeriod period (examples/winccoa.json).
  wsGatewayServerHistorySize: 4000,
};

/**
 * The editor and admin API of the demo need a login. The password is fixed and public (it is printed in
 * the start banner and in docs/reliability/demo-security.md): it only keeps other web pages and other
 * users of the machine from deploying flows, which run code. Never reuse it for a real instance.
 */
export const DEMO_ADMIN = { username: 'admin', password: 'ws-gateway-demo' };
/** bcrypt cost of the demo password hash (Node-RED's adminAuth checks passwords with bcrypt). */
const DEMO_ADMIN_BCRYPT_ROUNDS = 10;

const log = (text) => console.log(`[demo] ${text}`);

class DemoError extends Error {}

// ---------------------------------------------------------------------------------------------------
// environment

/** `0`, `off`, `false`, `no` (any case, surrounding blanks ignored) switch something off. */
export function isSwitchedOff(value) {
  return typeof value === 'string' && /^\s*(0|off|false|no)\s*$/i.test(value);
}

function isSwitchedOn(value) {
  return typeof value === 'string' && /^\s*(1|on|true|yes)\s*$/i.test(value);
}

export function parsePort(value) {
  return readPort(value, 'PORT', 1880);
}

/**
 * Flags Node-RED gets when DEMO_NODE_FLAGS is unset. Node 20 refuses RSA PKCS#1 v1.5 decryption (the
 * Marvin attack, CVE-2023-46809) unless reverted; OPC UA's Basic128Rsa15 policy needs it, and the seed's
 * gateway login uses that policy. Node 22 and later decrypt it without the flag and refuse to start with
 * it, so the flag is given only where this Node accepts it. Only the demo reverts it; `npm start`
 * (scripts/start.mjs) gives the same flag to this process for the embedded OPC UA server.
 */
export function defaultNodeFlags() {
  return revertFlags().join(' ');
}

/** DEMO_NODE_FLAGS split at blanks (no quoting: Node flags do not need any). */
export function parseNodeFlags(value) {
  return (value ?? '').split(/\s+/).filter((flag) => flag.length > 0);
}

// ---------------------------------------------------------------------------------------------------
// build

function newestMtime(entry) {
  let stat;
  try {
    stat = fs.lstatSync(entry);
  } catch {
    return 0;
  }
  if (stat.isSymbolicLink()) return 0;
  if (stat.isFile()) return stat.mtimeMs;
  if (!stat.isDirectory()) return 0;
  let newest = 0;
  for (const dirent of fs.readdirSync(entry, { withFileTypes: true })) {
    // demo/user-dir is the demo's own output and links back to the repository root.
    if (dirent.name === 'node_modules' || dirent.name === 'user-dir' || dirent.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(entry, dirent.name)));
  }
  return newest;
}

/** Why a build is needed, or undefined when dist/ is up to date. */
export function buildReason(root = ROOT) {
  const marker = path.join(root, path.relative(ROOT, BUILD_MARKER));
  let builtAt;
  try {
    builtAt = fs.statSync(marker).mtimeMs;
  } catch {
    return `${path.relative(root, marker)} is missing`;
  }
  for (const input of BUILD_INPUTS) {
    if (newestMtime(path.join(root, input)) > builtAt) return `${input} changed since the last build`;
  }
  return undefined;
}

function build(reason) {
  log(`building (${reason}) ...`);
  const npmCli = process.env.npm_execpath;
  const result = npmCli && /\.c?js$/.test(npmCli)
    ? spawnSync(process.execPath, [npmCli, 'run', 'build'], { cwd: ROOT, stdio: 'inherit' })
    : spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], {
        cwd: ROOT,
        stdio: 'inherit',
        shell: process.platform === 'win32',
      });
  if (result.error) throw new DemoError(`could not run npm run build: ${result.error.message}`);
  if (result.status !== 0) throw new DemoError(`npm run build failed (exit code ${result.status ?? result.signal})`);
}

// ---------------------------------------------------------------------------------------------------
// example flows

function listJsonFiles(dir) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if (err.code === 'ENOENT') return [];
    throw err;
  }
  const files = [];
  for (const dirent of entries) {
    const full = path.join(dir, dirent.name);
    if (dirent.isDirectory()) files.push(...listJsonFiles(full));
    else if (dirent.isFile() && dirent.name.toLowerCase().endsWith('.json')) files.push(full);
  }
  return files;
}

function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const CONTAINER_TYPES = new Set(['tab', 'subflow', 'group']);

/**
 * Every example flow under `dir` (recursively, `*.json`, in path order) as one flow configuration.
 * Each file must be a JSON array of nodes. A node id may appear in several files only for a global
 * config node with identical content (examples sharing one connection); any other repeated id is an
 * error, as is a node whose `z` names no tab or subflow. `credentials` objects are moved out of the
 * nodes into the returned `credentials` map (id -> credentials), the shape of a plain flows_cred.json.
 */
export function mergeExampleFlows(dir = EXAMPLES_DIR) {
  const files = listJsonFiles(dir).sort((a, b) =>
    path.relative(dir, a).localeCompare(path.relative(dir, b), 'en', { numeric: true }));
  const flows = [];
  const credentials = {};
  const seen = new Map(); // id -> {file, node (as read)}
  const problems = [];
  for (const file of files) {
    const rel = path.relative(ROOT, file);
    let nodes;
    try {
      nodes = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      problems.push(`${rel}: not valid JSON (${err.message})`);
      continue;
    }
    if (!Array.isArray(nodes)) {
      problems.push(`${rel}: must be a JSON array of nodes`);
      continue;
    }
    nodes.forEach((node, index) => {
      if (node === null || typeof node !== 'object' || typeof node.id !== 'string' || typeof node.type !== 'string') {
        problems.push(`${rel}: element ${index} is not a node with a string "id" and "type"`);
        return;
      }
      const earlier = seen.get(node.id);
      if (earlier) {
        const sharedConfig = !node.z && !CONTAINER_TYPES.has(node.type) && canonical(earlier.node) === canonical(node);
        if (!sharedConfig) {
          problems.push(`duplicate node id "${node.id}" (${node.type}) in ${rel} and ${earlier.file}` +
            (earlier.file === rel ? '' : ' (only identical global config nodes may be repeated)'));
        }
        return;
      }
      seen.set(node.id, { file: rel, node });
      const copy = { ...node };
      if (copy.credentials !== undefined) {
        if (copy.credentials && typeof copy.credentials === 'object' && Object.keys(copy.credentials).length > 0) {
          credentials[copy.id] = copy.credentials;
        }
        delete copy.credentials;
      }
      flows.push(copy);
    });
  }
  const containers = new Set(flows.filter((node) => node.type === 'tab' || node.type === 'subflow').map((node) => node.id));
  for (const node of flows) {
    if (node.z && !containers.has(node.z)) {
      problems.push(`${seen.get(node.id).file}: node "${node.id}" (${node.type}) is on "${node.z}", which is no tab or subflow`);
    }
  }
  if (problems.length > 0) throw new DemoError(`example flows are not usable:\n  - ${problems.join('\n  - ')}`);
  return { flows, credentials, files: files.map((file) => path.relative(ROOT, file)) };
}

/** The WebSocket endpoints of the enabled ws-gateway-server nodes of a flow configuration. */
export function describeEndpoints(flows, port) {
  const disabledTabs = new Set(flows.filter((node) => node.type === 'tab' && node.disabled).map((node) => node.id));
  const endpoints = [];
  const used = new Map();
  for (const node of flows) {
    if (node.type !== 'ws-gateway-server' || node.d === true || disabledTabs.has(node.z)) continue;
    let url;
    if (node.listen === 'path' || node.listen === undefined) {
      const urlPath = `/${String(node.path ?? '').replace(/^\/+/, '')}`;
      url = `ws://${HOST}:${port}${urlPath}`;
    } else {
      const host = !node.host || node.host === '0.0.0.0' || node.host === '::' ? HOST : node.host;
      url = `${node.tls ? 'wss' : 'ws'}://${host.includes(':') ? `[${host}]` : host}:${node.port}`;
    }
    const label = `${node.dialect ?? 'gateway'}${node.name ? ` (${node.name})` : ''}`;
    if (used.has(url)) log(`warning: ${label} and ${used.get(url)} both listen on ${url}`);
    used.set(url, label);
    endpoints.push({ label, url });
  }
  return endpoints;
}

// ---------------------------------------------------------------------------------------------------
// user directory

function settingsSource() {
  const passwordHash = bcrypt.hashSync(DEMO_ADMIN.password, DEMO_ADMIN_BCRYPT_ROUNDS);
  return `// Generated by scripts/start-demo.mjs on every start: change the template there. For local changes put
// \`module.exports = { ... }\` into settings.local.js next to this file; it is merged in and never overwritten.
'use strict';
const fs = require('fs');
const path = require('path');

const uiPort = parseInt(process.env.PORT || '1880', 10);
// Pages of the editor itself; any other page's request to the admin API is refused (see adminOriginGuard).
const editorOrigins = new Set([\`http://${HOST}:\${uiPort}\`, \`http://localhost:\${uiPort}\`]);

/**
 * Node-RED 4.1 answers every admin API request with "Access-Control-Allow-Origin: *" whatever the
 * settings say, so a page of another site could read the answer of POST /auth/token (the demo password is
 * public) and then deploy flows. This middleware runs before the admin routes: it drops that header and
 * refuses requests that a browser marks as coming from another origin. Requests without Origin (curl,
 * scripts, the editor's own GETs) pass on to adminAuth.
 */
function adminOriginGuard(req, res, next) {
  res.removeHeader('Access-Control-Allow-Origin');
  const origin = req.headers.origin;
  if (origin !== undefined && !editorOrigins.has(origin)) {
    res.status(403).json({ error: 'forbidden', message: 'cross-origin request to the admin API' });
    return;
  }
  next();
}

/**
 * Node-RED 4.1 mounts a CORS handler with origin "*" in front of its admin API, before any setting or
 * middleware, so it answers every preflight (OPTIONS) with "Access-Control-Allow-Origin: *". The demo
 * answers a preflight from another site's page itself, with 403 and no CORS header, before Node-RED sees
 * it: red.js creates its HTTP server after it has read these settings, so the demo wraps that server's
 * request handler here. Node-RED 5 dropped the handler; the wrap is then just the same refusal.
 */
function refuseForeignPreflights(handler) {
  return function (req, res) {
    const origin = req.headers.origin;
    if (req.method === 'OPTIONS' && origin !== undefined && !editorOrigins.has(origin)) {
      res.writeHead(403, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'forbidden', message: 'cross-origin request to the admin API' }));
      return;
    }
    handler(req, res);
  };
}
const http = require('http');
const createServer = http.createServer;
http.createServer = function (...args) {
  const at = args.findIndex((arg) => typeof arg === 'function');
  if (at >= 0) args[at] = refuseForeignPreflights(args[at]);
  http.createServer = createServer;
  return createServer.apply(this, args);
};

const settings = {
  uiHost: ${JSON.stringify(HOST)},
  uiPort,
  flowFile: 'flows.json',
  flowFilePretty: true,
  // Demo only: flows_cred.json is plain JSON, written from the examples' "credentials" on every start.
  credentialSecret: false,
  // The editor and admin API need a login: ${DEMO_ADMIN.username} / ${DEMO_ADMIN.password} (bcrypt hash below).
  adminAuth: {
    type: 'credentials',
    users: [{ username: ${JSON.stringify(DEMO_ADMIN.username)}, password: ${JSON.stringify(passwordHash)}, permissions: '*' }],
  },
  // No httpAdminCors: the admin API is for the editor's own pages only.
  httpAdminMiddleware: adminOriginGuard,
  editorTheme: { tours: false },
  telemetry: { enabled: false, updateNotification: false },
  diagnostics: { enabled: true, ui: true },
  runtimeState: { enabled: false, ui: false },
  exportGlobalContextKeys: false,
  logging: {
    console: { level: process.env.DEMO_LOG_LEVEL || 'info', metrics: false, audit: false },
  },
  functionTimeout: 0,
  debugMaxLength: 1000,
  // Settings of ${PACKAGE_NAME} (see scripts/start-demo.mjs PACKAGE_SETTINGS).
  ...${JSON.stringify(PACKAGE_SETTINGS, null, 2).replace(/\n/g, '\n  ')},
};

const local = path.join(__dirname, 'settings.local.js');
if (fs.existsSync(local)) Object.assign(settings, require(local));

module.exports = settings;
`;
}

/**
 * Makes `<userDir>/node_modules/<package>` a symlink to the repository root. Node-RED 4.1 finds a
 * package by scanning `<userDir>/node_modules/*` for a package.json with a "node-red" section
 * (@node-red/registry lib/localfilesystem.js scanDirForNodesModules); the user dir's package.json
 * dependencies only mark it as user-installed in the palette manager.
 */
function linkPackage(userDir, root) {
  const link = path.join(userDir, 'node_modules', PACKAGE_NAME);
  fs.mkdirSync(path.dirname(link), { recursive: true });
  let stat;
  try {
    stat = fs.lstatSync(link);
  } catch {
    stat = undefined;
  }
  if (stat) {
    if (!stat.isSymbolicLink()) {
      throw new DemoError(`${link} exists and is no symlink; remove it (or all of demo/user-dir) and start again`);
    }
    let target;
    try {
      target = fs.realpathSync(link);
    } catch {
      target = undefined; // dangling
    }
    if (target === fs.realpathSync(root)) return;
    fs.unlinkSync(link);
  }
  fs.symlinkSync(root, link, 'junction'); // the type only matters on Windows, where junctions need no rights
}

function writePackageJson(userDir) {
  const file = path.join(userDir, 'package.json');
  let pkg;
  try {
    pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    pkg = { name: 'node-red-ws-gateway-demo', description: 'Node-RED user directory of the npm start demo', version: '0.0.1', private: true };
  }
  // `file:` keeps npm (palette installs run `npm install` here) pointing at this checkout, not the registry.
  pkg.dependencies = { ...(pkg.dependencies ?? {}), [PACKAGE_NAME]: 'file:../..' };
  fs.writeFileSync(file, `${JSON.stringify(pkg, null, 4)}\n`);
}

/**
 * Browser pages may open the demo's WebSockets only when they come from this machine's Node-RED (the
 * editor, dashboards on httpNode) or from the endpoint's own address (clients such as Python's
 * websocket-client send that as their Origin). Clients that send no Origin are no browsers and pass on to
 * the endpoint's own authentication. A node with its own "Allowed origins" keeps them.
 */
export function restrictOrigins(flows, port) {
  const sameHost = (p) => [`http://${HOST}:${p}`, `http://localhost:${p}`];
  return flows.map((node) => {
    if (node.type !== 'ws-gateway-server' || String(node.origins ?? '').trim() !== '') return node;
    const origins = sameHost(port);
    if (node.listen === 'port' && Number(node.port) !== port) origins.push(...sameHost(Number(node.port)));
    return { ...node, origins: origins.join(',') };
  });
}

/**
 * Creates or refreshes the Node-RED user directory. Returns the flow configuration it holds.
 * `keepFlows`: leave an existing flows.json / flows_cred.json alone. `port`: Node-RED's port. `ports`:
 * where the flows' other demo ports go (scripts/demo-ports.mjs; missing ones keep the demo's); without
 * it, the DEMO_*_PORT variables say.
 */
export function prepareUserDir({ userDir = USER_DIR, root = ROOT, examplesDir = EXAMPLES_DIR, keepFlows = false, port = 1880, ports = undefined } = {}) {
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, 'settings.js'), settingsSource());
  writePackageJson(userDir);
  linkPackage(userDir, root);

  const flowsFile = path.join(userDir, 'flows.json');
  if (keepFlows && fs.existsSync(flowsFile)) {
    log(`keeping ${path.relative(root, flowsFile)} (DEMO_KEEP_FLOWS)`);
    return { flows: JSON.parse(fs.readFileSync(flowsFile, 'utf8')), files: [] };
  }
  const merged = mergeExampleFlows(examplesDir);
  // The examples name the demo's fixed ports; PORT and DEMO_*_PORT (or the caller's `ports`) move them.
  merged.flows = restrictOrigins(moveDemoPorts(merged.flows, { ...(ports ?? demoPortsFromEnv()), http: port }), port);
  fs.writeFileSync(flowsFile, `${JSON.stringify(merged.flows, null, 4)}\n`);
  fs.writeFileSync(path.join(userDir, 'flows_cred.json'), `${JSON.stringify(merged.credentials, null, 4)}\n`);
  const tabs = merged.flows.filter((node) => node.type === 'tab').length;
  log(`flows.json: ${merged.files.length} example file(s), ${tabs} tab(s), ${merged.flows.length} node(s)`);
  return merged;
}

// ---------------------------------------------------------------------------------------------------
// simulators

function asSimulator(moduleNamespace) {
  const exported = moduleNamespace.default ?? moduleNamespace;
  const candidates = [exported?.default, exported?.simulator, exported, moduleNamespace.simulator, moduleNamespace];
  return candidates.find((candidate) => candidate && typeof candidate.start === 'function');
}

/**
 * The simulators in `dir`: every `*.js` / `*.cjs` / `*.mjs` file directly in it (names starting with
 * `_` are helpers and skipped), in name order. A missing folder means none.
 */
export async function loadSimulators(dir = SIMULATORS_DIR) {
  let names;
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if (err.code === 'ENOENT') return [];
    throw err;
  }
  names = names.filter((name) => /\.(c|m)?js$/.test(name) && !name.startsWith('_')).sort();
  const simulators = [];
  for (const name of names) {
    const file = path.join(dir, name);
    if (!fs.statSync(file).isFile()) continue;
    let namespace;
    try {
      namespace = await import(pathToFileURL(file).href);
    } catch (err) {
      throw new DemoError(`simulator ${name} could not be loaded: ${err.stack ?? err}`);
    }
    const simulator = asSimulator(namespace);
    if (!simulator || typeof simulator.name !== 'string' || simulator.name.length === 0 ||
        typeof simulator.envSwitch !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(simulator.envSwitch)) {
      throw new DemoError(`${name} does not export a demo simulator ` +
        '{ name: string, envSwitch: string (an environment variable name), start(): Promise<{ describe, stop() }> } ' +
        '(see demo/simulators/README.md)');
    }
    simulators.push({ file: name, simulator });
  }
  return simulators;
}

async function stopWithTimeout(entry) {
  let timer;
  try {
    await Promise.race([
      Promise.resolve().then(() => entry.running.stop()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`did not stop within ${SIMULATOR_STOP_TIMEOUT_MS / 1000} s`)), SIMULATOR_STOP_TIMEOUT_MS);
      }),
    ]);
    log(`stopped ${entry.name}`);
  } catch (err) {
    log(`error stopping ${entry.name}: ${err?.message ?? err}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Stops started simulators, last started first. */
export async function stopSimulators(started) {
  for (const entry of [...started].reverse()) await stopWithTimeout(entry);
  started.length = 0;
}

/**
 * Starts the simulators that are not switched off, one after the other. Returns
 * `{ started: [{name, envSwitch, describe, running}], skipped: [{name, envSwitch}] }`. If one fails
 * to start, the ones already running are stopped and the error is thrown.
 */
export async function startSimulators(simulators, env = process.env, shouldAbort = () => false) {
  const started = [];
  const skipped = [];
  for (const { file, simulator } of simulators) {
    if (shouldAbort()) break;
    const { name, envSwitch } = simulator;
    if (isSwitchedOff(env[envSwitch])) {
      skipped.push({ name, envSwitch });
      log(`${name}: off (${envSwitch}=${env[envSwitch]})`);
      continue;
    }
    log(`starting ${name} (${file}) ...`);
    let running;
    try {
      running = await simulator.start();
      if (!running || typeof running.stop !== 'function') {
        throw new Error('start() must resolve to { describe: string, stop(): Promise<void> }');
      }
    } catch (err) {
      await stopSimulators(started);
      throw new DemoError(`${name} failed to start: ${err?.stack ?? err}\n` +
        `  To run the demo without it (e.g. against real equipment), set ${envSwitch}=0.`);
    }
    started.push({ name, envSwitch, describe: String(running.describe ?? ''), running });
  }
  return { started, skipped };
}

// ---------------------------------------------------------------------------------------------------
// Node-RED

function waitForPort(port, isDone, onOpen) {
  const attempt = () => {
    if (isDone()) return;
    const socket = net.connect({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      if (!isDone()) onOpen();
    });
    socket.once('error', () => {
      socket.destroy();
      if (!isDone()) setTimeout(attempt, 250).unref();
    });
  };
  attempt();
}

function printBanner({ port, endpoints, started, skipped }) {
  const rows = [['Node-RED editor', `http://${HOST}:${port}/ (login ${DEMO_ADMIN.username} / ${DEMO_ADMIN.password})`], ...endpoints.map((e) => [e.label, e.url])];
  for (const s of started) rows.push([s.name, s.describe]);
  for (const s of skipped) rows.push([s.name, `off (${s.envSwitch})`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = [
    '',
    `=== ${PACKAGE_NAME} demo ===`,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    '  Ctrl-C stops everything.',
    '',
  ];
  console.log(lines.join('\n'));
}

async function main() {
  const port = parsePort(process.env.PORT);
  const nodeFlags = parseNodeFlags(process.env.DEMO_NODE_FLAGS ?? defaultNodeFlags());

  let stopRequested = false;
  let child;
  let signalCount = 0;
  const onSignal = (signal) => {
    signalCount += 1;
    stopRequested = true;
    if (!child) return;
    if (signalCount > 1) {
      log(`${signal} again: killing Node-RED`);
      child.kill('SIGKILL');
    } else {
      child.kill(signal);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onSignal);

  if (!isSwitchedOn(process.env.DEMO_SKIP_BUILD)) {
    const reason = buildReason();
    if (reason) build(reason);
  }
  const { flows } = prepareUserDir({ keepFlows: isSwitchedOn(process.env.DEMO_KEEP_FLOWS), port });
  const endpoints = describeEndpoints(flows, port);

  const { started, skipped } = await startSimulators(await loadSimulators(process.env.DEMO_SIMULATORS_DIR || SIMULATORS_DIR), process.env, () => stopRequested);
  if (stopRequested) {
    await stopSimulators(started);
    return 130;
  }

  const redJs = createRequire(path.join(ROOT, 'package.json')).resolve('node-red/red.js');
  const args = [...nodeFlags, redJs, '--userDir', USER_DIR, '--port', String(port), ...process.argv.slice(2)];
  log(`starting Node-RED: node ${args.map((a) => path.isAbsolute(a) ? path.relative(ROOT, a) : a).join(' ')}`);

  let exited = false;
  const exitCode = await new Promise((resolve) => {
    child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, PORT: String(port) } });
    child.once('error', (err) => {
      exited = true;
      log(`could not start Node-RED: ${err.message}`);
      resolve(1);
    });
    child.once('exit', (code, signal) => {
      exited = true;
      resolve(code ?? 128 + (os.constants.signals[signal] ?? 0));
    });
    waitForPort(port, () => exited, () => printBanner({ port, endpoints, started, skipped }));
  });
  log(`Node-RED exited (${exitCode})`);
  await stopSimulators(started);
  return exitCode;
}

/** Runs the demo in this process and exits with its exit code (scripts/start.mjs calls it). */
export function runDemo() {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`[demo] ${err instanceof DemoError || err instanceof PortError ? err.message : err?.stack ?? err}`);
      process.exit(1);
    },
  );
}

const invokedAs = process.argv[1] ? fs.realpathSync(path.resolve(process.argv[1])) : '';
if (invokedAs === fs.realpathSync(fileURLToPath(import.meta.url))) runDemo();
