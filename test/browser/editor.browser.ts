// The editor as a new user meets it: the packed tarball installed into a fresh Node-RED user directory
// (as the palette manager installs it), Debian's chromium driven by playwright-core against that real
// Node-RED. Each example is imported through Import → Examples and deployed, every edit dialog is
// opened, bad values must be marked and make the deploy warn, and the help must render as Node-RED's own.
//
// Run with `npm run test:browser`. Not a *.spec file, so `npm test` does not run it a second time.
// A failing step leaves a screenshot in dist/test-artifacts/browser/ (the path is printed); every edit
// dialog's screenshot is kept in dist/test-artifacts/browser/dialogs/ to check the layout by eye.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { freePort } from '../support/ports';

const root = path.resolve(__dirname, '..', '..', '..');
const artifacts = path.join(root, 'dist', 'test-artifacts', 'browser');
const CHROMIUM = '/usr/bin/chromium';
const PACKAGE = 'node-red-contrib-ws-gateway';
const FLOW_TYPES = ['ws-gateway-in', 'ws-gateway-out'];
const CONFIG_TYPES = ['ws-gateway-server', 'ws-gateway-client', 'ws-gateway-modbus', 'ws-gateway-opcua'];
const ALL_TYPES = [...FLOW_TYPES, ...CONFIG_TYPES];
/** The dialog helpers the node html files share, as the editor loads them (relative to its root). */
const SHARED_EDITOR_SCRIPT = `resources/${PACKAGE}/ws-gateway-editor.js`;

interface ExampleNode {
  id: string;
  type: string;
  [key: string]: unknown;
}
const examples = readdirSync(path.join(root, 'examples'))
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({
    name: path.basename(file, '.json'),
    nodes: JSON.parse(readFileSync(path.join(root, 'examples', file), 'utf8')) as ExampleNode[],
  }));

/** What the page reports of one node (flow or config). */
interface NodeReport {
  id: string;
  type: string;
  valid: boolean;
  errors: string[];
}

let tmp = '';
let nodeRed: ChildProcess | undefined;
let nodeRedLog = '';
let context: BrowserContext | undefined;
let page: Page;
let baseUrl = '';
const consoleErrors: string[] = [];

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${String(result.status)}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Starts Node-RED on a free 127.0.0.1 port with `userDir`; resolves once it serves the editor. */
async function startNodeRed(userDir: string): Promise<string> {
  const port = await freePort();
  const settings = path.join(userDir, 'settings.js');
  writeFileSync(settings, `module.exports = ${JSON.stringify({
    uiHost: '127.0.0.1',
    uiPort: port,
    flowFile: 'flows.json',
    credentialSecret: 'browser-test',
    logging: { console: { level: 'warn' } },
    editorTheme: { tours: false, projects: { enabled: false } },
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: false, ui: false },
  }, null, 2)};\n`);
  const red = require.resolve('node-red/red.js');
  nodeRed = spawn(process.execPath, [red, '-u', userDir, '-s', settings], { cwd: userDir, stdio: ['ignore', 'pipe', 'pipe'] });
  const child = nodeRed;
  const onData = (chunk: Buffer): void => {
    nodeRedLog += chunk.toString('utf8');
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const url = `http://127.0.0.1:${port}/`;
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) => reject(new Error(`Node-RED exited (${String(code)}) before serving:\n${nodeRedLog}`)));
  });
  // Its log is kept at warn level, so ask its HTTP server (the nodes' list is there once they loaded).
  const ready = (async (): Promise<void> => {
    for (;;) {
      const status = await fetch(`${url}nodes`, { headers: { accept: 'application/json' } }).then((r) => r.status, () => 0);
      if (status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  await Promise.race([ready, exited]);
  return url;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

/** A test step that leaves a screenshot of the page when it fails. */
function step(name: string, body: () => Promise<void>): void {
  test(name, async () => {
    try {
      await body();
    } catch (error) {
      mkdirSync(artifacts, { recursive: true });
      const file = path.join(artifacts, `${slug(name)}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      console.log(`screenshot of the failing step: ${file}`);
      throw error;
    }
  });
}

/** Errors the editor logged that come from this package (its node files or its messages). */
function packageConsoleErrors(): string[] {
  return consoleErrors.filter((line) => /ws-gateway/i.test(line));
}

async function reportNodes(): Promise<NodeReport[]> {
  return page.evaluate((types) => {
    const out: NodeReport[] = [];
    const add = (n: EditorNode): void => {
      if (types.includes(n.type)) out.push({ id: n.id, type: n.type, valid: n.valid !== false, errors: (n.validationErrors ?? []).map(String) });
    };
    RED.nodes.eachNode(add);
    RED.nodes.eachConfig(add);
    return out;
  }, ALL_TYPES);
}

/** Opens the edit dialog of a node or config node and waits until its form is prepared. */
async function openDialog(id: string): Promise<'node-input' | 'node-config-input'> {
  const isConfig = await page.evaluate((nodeId) => {
    const node = RED.nodes.node(nodeId);
    if (!node) throw new Error(`no node ${nodeId}`);
    if (node._def.category === 'config') {
      RED.editor.editConfig('', node.type, node.id);
      return true;
    }
    RED.editor.edit(node);
    return false;
  }, id);
  const ok = isConfig ? '#node-config-dialog-ok' : '#node-dialog-ok';
  await page.locator(ok).waitFor({ state: 'visible' });
  // The config-node selects are filled and the first validation runs just after the tray opens.
  await page.waitForTimeout(300);
  return isConfig ? 'node-config-input' : 'node-input';
}

async function closeDialog(prefix: 'node-input' | 'node-config-input', button: 'ok' | 'cancel'): Promise<void> {
  const id = prefix === 'node-config-input' ? `#node-config-dialog-${button}` : `#node-dialog-${button}`;
  await page.locator(id).click();
  await page.locator(id).waitFor({ state: 'detached' });
}

/** Problems a user would see in the open dialog: blank or cut selects, rows that wrap, marked fields. */
async function dialogProblems(): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const trays = document.querySelectorAll('.red-ui-tray');
    const tray = trays[trays.length - 1];
    if (!tray) return ['no edit tray'];
    const visible = (el: Element): boolean => (el as HTMLElement).offsetParent !== null;
    const canvas = document.createElement('canvas').getContext('2d');
    for (const select of Array.from(tray.querySelectorAll('select')).filter(visible)) {
      const option = select.selectedIndex >= 0 ? select.options[select.selectedIndex] : undefined;
      const text = option ? option.text.trim() : '';
      if (!text) {
        problems.push(`#${select.id || select.className}: blank select`);
        continue;
      }
      if (canvas) {
        canvas.font = getComputedStyle(select).font;
        // The arrow and padding take about 24px of the select's width.
        if (canvas.measureText(text).width > select.clientWidth - 24) problems.push(`#${select.id}: "${text}" is cut off`);
      }
    }
    for (const row of Array.from(tray.querySelectorAll('.form-row')).filter(visible)) {
      const label = row.querySelector(':scope > label');
      const control = row.querySelector(':scope > select, :scope > div > select, :scope > input[type="text"]');
      if (!label || !control || !visible(control) || label.getBoundingClientRect().width > 200) continue;
      if (control.getBoundingClientRect().top >= label.getBoundingClientRect().bottom) problems.push(`#${control.id}: wraps below its label`);
    }
    for (const input of Array.from(tray.querySelectorAll('.input-error')).filter(visible)) problems.push(`#${input.id}: marked invalid`);
    for (const tip of Array.from(tray.querySelectorAll('.form-tips')).filter(visible)) {
      if (/<\/?[a-z]+>/i.test(tip.textContent ?? '')) problems.push(`tip shows markup: ${tip.textContent ?? ''}`);
    }
    if (/__PWRD__/.test(Array.from(tray.querySelectorAll('textarea, input[type="text"]')).map((el) => (el as HTMLInputElement).value).join(' '))) {
      problems.push('a box shows __PWRD__');
    }
    return problems;
  });
}

async function saveDialogScreenshot(name: string): Promise<void> {
  mkdirSync(path.join(artifacts, 'dialogs'), { recursive: true });
  const trays = page.locator('.red-ui-tray');
  await trays.last().screenshot({ path: path.join(artifacts, 'dialogs', `${slug(name)}.png`) });
}

/** Deploys and returns the warning's list of invalid nodes, or [] when the deploy went ahead. */
async function deploy(): Promise<string[]> {
  await page.locator('#red-ui-header-button-deploy').click();
  const warning = page.locator('.red-ui-deploy-dialog-confirm-list');
  const success = page.locator('.red-ui-notification', { hasText: 'Successfully deployed' });
  await Promise.race([warning.first().waitFor({ state: 'visible' }), success.first().waitFor({ state: 'visible' })]);
  if (await warning.count() > 0) {
    const items = await warning.first().locator('li').allTextContents();
    // Leave the flows as they are: cancel the deploy.
    await page.locator('.red-ui-notification button', { hasText: 'Cancel' }).first().click();
    await warning.first().waitFor({ state: 'detached' });
    return items;
  }
  await success.first().waitFor({ state: 'detached', timeout: 15000 }).catch(() => undefined);
  return [];
}

describe('editor in Chromium: the packed package in a fresh Node-RED', { timeout: 300_000 }, () => {
  before(async () => {
    const ensured = spawnSync(process.execPath, [path.join(root, 'scripts', 'ensure-debian-package.mjs'), 'chromium', CHROMIUM, '--version'], { stdio: 'inherit' });
    assert.equal(ensured.status, 0, 'Debian chromium is needed (apt-get install -y chromium)');

    tmp = mkdtempSync(path.join(os.tmpdir(), 'ws-gateway-browser-'));
    // The tarball npm publishes; the build is fresh (npm run test:browser builds first).
    const packed = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], root)) as Array<{ filename: string }>;
    const tarball = path.join(tmp, packed[0]?.filename ?? '');
    const userDir = path.join(tmp, 'userdir');
    mkdirSync(userDir);
    writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true, version: '0.0.1' }));
    // As the palette manager installs a module, from the local tarball and npm's cache where it can.
    run('npm', ['install', '--no-audit', '--no-fund', '--no-update-notifier', '--prefer-offline', '--omit=dev', '--save', '--save-prefix=~', tarball], userDir);
    baseUrl = await startNodeRed(userDir);

    rmSync(artifacts, { recursive: true, force: true });
    context = await chromium.launchPersistentContext(path.join(tmp, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
      viewport: { width: 1400, height: 900 },
    });
    page = context.pages()[0] ?? await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`${error.message}\n${error.stack ?? ''}`));
    await page.goto(baseUrl);
    await page.waitForFunction(() => typeof RED !== 'undefined' && RED.nodes !== undefined && RED.nodes.getType('ws-gateway-in') !== null);
    await page.locator('#red-ui-palette .red-ui-palette-node').first().waitFor({ state: 'visible' });
  });

  after(async () => {
    await context?.close();
    if (nodeRed && nodeRed.exitCode === null) {
      const exited = new Promise((resolve) => nodeRed?.once('exit', resolve));
      nodeRed.kill('SIGTERM');
      await exited;
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  step('the palette shows the gateway nodes and the config types under plain names', async () => {
    for (const type of FLOW_TYPES) {
      await page.locator(`#red-ui-palette .red-ui-palette-node[data-palette-type="${type}"]`).waitFor({ state: 'visible' });
    }
    const labels = await page.evaluate((types) => types.map((type) => {
      const def = RED.nodes.getType(type);
      const label = def && typeof def.paletteLabel === 'function' ? def.paletteLabel.call(def) : def?.paletteLabel;
      return { type, label: typeof label === 'string' ? label : '' };
    }), ALL_TYPES);
    for (const { type, label } of labels) {
      assert.ok(label !== '' && label !== type, `${type} needs a palette label, has "${label}"`);
    }

    // The dialog helpers every node html shares come from the package's resources/ folder, which the
    // tarball must ship: each node set loads the script (the editor adds a script element per set), the
    // first run defines the helpers and a later run of the same file leaves them as they are.
    const response = await page.request.get(`${baseUrl}${SHARED_EDITOR_SCRIPT}`);
    assert.equal(response.status(), 200, `${SHARED_EDITOR_SCRIPT} is not served`);
    assert.match(response.headers()['content-type'] ?? '', /javascript/);
    const shared = await page.evaluate(async (src) => {
      const loads = document.querySelectorAll(`script[src$="${src}"]`).length;
      const before = window.wsGatewayEditor;
      const again = document.createElement('script');
      await new Promise((resolve, reject) => {
        again.onload = resolve;
        again.onerror = reject;
        again.src = src;
        document.body.appendChild(again);
      });
      return { loads, defined: typeof before?.dialog === 'function', kept: window.wsGatewayEditor === before };
    }, SHARED_EDITOR_SCRIPT);
    const including = readdirSync(path.join(root, 'nodes')).filter((dir) => {
      const html = path.join(root, 'nodes', dir, `${dir}.html`);
      return existsSync(html) && readFileSync(html, 'utf8').includes(`src="${SHARED_EDITOR_SCRIPT}"`);
    });
    assert.ok(including.length > 1, `only ${including.join(', ')} load ${SHARED_EDITOR_SCRIPT}`);
    assert.deepEqual(shared, { loads: including.length, defined: true, kept: true }, 'the shared editor script');
  });

  for (const example of examples) {
    step(`example ${example.name}: carries every property of its nodes, imports through the menu and deploys with no invalid node`, async () => {
      const defaults = await page.evaluate((types) => Object.fromEntries(types.map((type) => [type, Object.keys(RED.nodes.getType(type)?.defaults ?? {})])), ALL_TYPES);
      for (const node of example.nodes.filter((n) => ALL_TYPES.includes(n.type))) {
        const missing = (defaults[node.type] ?? []).filter((key) => !(key in node));
        assert.deepEqual(missing, [], `${example.name}: ${node.type} ${node.id} lacks ${missing.join(', ')}`);
      }

      await page.locator('#red-ui-header-button-sidemenu').click();
      await page.locator('#menu-item-import').click();
      await page.locator('#red-ui-clipboard-dialog').waitFor({ state: 'visible' });
      await page.locator('#red-ui-clipboard-dialog-import-tabs a[href="#red-ui-clipboard-dialog-import-tab-examples"]').click();
      const tree = page.locator('#red-ui-clipboard-dialog-import-tab-examples');
      const moduleItem = tree.locator('.red-ui-treeList-label', { hasText: PACKAGE }).first();
      const item = tree.locator('.red-ui-treeList-label', { hasText: new RegExp(`^\\s*${example.name}\\s*$`) }).first();
      if (!(await item.isVisible())) await moduleItem.click();
      await item.click();
      await page.locator('#red-ui-clipboard-dialog-ok').click();
      await page.locator('#red-ui-clipboard-dialog').waitFor({ state: 'hidden' });
      // An import without its own tab follows the mouse until it is dropped: drop it.
      await page.mouse.click(700, 450);
      const ids = example.nodes.filter((n) => ALL_TYPES.includes(n.type)).map((n) => n.id);
      await page.waitForFunction((wanted) => wanted.every((id) => RED.nodes.node(id) !== null), ids);

      const invalid = (await reportNodes()).filter((n) => ids.includes(n.id) && (!n.valid || n.errors.length > 0));
      assert.deepEqual(invalid, [], `${example.name}: invalid nodes after import`);
      const triangles = await page.locator('#red-ui-workspace-chart .red-ui-flow-node-error:not(.hide)').count();
      assert.equal(triangles, 0, `${example.name}: red triangles on the workspace`);
      assert.deepEqual(await deploy(), [], `${example.name}: the deploy warned about invalid nodes`);
      assert.deepEqual(packageConsoleErrors(), [], 'console errors from the package');
    });
  }

  step('every edit dialog of the examples opens with no blank or cut select, no wrapped row and no marked field', async () => {
    const nodes = (await reportNodes()).filter((n) => examples.some((e) => e.nodes.some((x) => x.id === n.id)));
    assert.ok(nodes.length >= examples.length * 2, `only ${nodes.length} example nodes found`);
    const problems: string[] = [];
    for (const node of nodes) {
      const prefix = await openDialog(node.id);
      const example = examples.find((e) => e.nodes.some((x) => x.id === node.id))?.name ?? '';
      await saveDialogScreenshot(`${example}-${node.type}-${node.id}`);
      for (const problem of await dialogProblems()) problems.push(`${example} ${node.type} ${node.id}: ${problem}`);
      await closeDialog(prefix, 'cancel');
    }
    assert.deepEqual(problems, []);
    assert.deepEqual(packageConsoleErrors(), [], 'console errors from the package');
  });

  // regression: a node of an older flow lacks properties; Node-RED leaves them undefined, which showed as
  // empty selects (the examples' "Events of" / "Through") and must not count as invalid.
  step('a node saved by an older version, without the newer properties, is valid and its dialog shows the defaults', async () => {
    const flow = [
      { id: 'old00000000000s1', type: 'ws-gateway-server', name: 'old server', listen: 'path', path: '/old', dialect: 'raw' },
      { id: 'old00000000000i1', type: 'ws-gateway-in', name: 'old in', server: 'old00000000000s1', x: 200, y: 700, wires: [[]] },
      { id: 'old00000000000u1', type: 'ws-gateway-out', name: 'old out', server: 'old00000000000s1', x: 400, y: 700, wires: [[]] },
    ];
    await page.evaluate((nodes) => { RED.view.importNodes(nodes, { addFlow: true }); }, flow);
    await page.mouse.click(700, 450);
    await page.waitForFunction(() => RED.nodes.node('old00000000000u1') !== null);
    const invalid = (await reportNodes()).filter((n) => n.id.startsWith('old') && (!n.valid || n.errors.length > 0));
    assert.deepEqual(invalid, [], 'older nodes marked invalid');
    const problems: string[] = [];
    for (const { id } of flow) {
      const prefix = await openDialog(id);
      for (const problem of await dialogProblems()) problems.push(`${id}: ${problem}`);
      await closeDialog(prefix, 'cancel');
    }
    assert.deepEqual(problems, []);
  });

  // regression: every validator took one argument and returned a message string, which Node-RED reads as
  // valid; ws-gateway-in checked the saved "Events of" instead of the dialog's.
  step('bad values are marked invalid with a message, and the deploy warns about the nodes', async () => {
    const flow = [
      { id: 'bad00000000000s1', type: 'ws-gateway-server', name: 'bad server', listen: 'path', path: '/bad', dialect: 'raw' },
      { id: 'bad00000000000c1', type: 'ws-gateway-client', name: 'bad client', url: 'ws://127.0.0.1:1/x', mode: 'plain' },
      { id: 'bad00000000000m1', type: 'ws-gateway-modbus', name: 'bad modbus', transport: 'tcp', host: '127.0.0.1', port: 502 },
      { id: 'bad00000000000o1', type: 'ws-gateway-opcua', name: 'bad opcua', endpointUrl: 'opc.tcp://127.0.0.1:4840' },
      { id: 'bad00000000000i1', type: 'ws-gateway-in', name: 'bad in', via: 'server', server: 'bad00000000000s1', x: 200, y: 600, wires: [[]] },
      { id: 'bad00000000000u1', type: 'ws-gateway-out', name: 'bad out', via: 'server', server: 'bad00000000000s1', action: 'reply', x: 400, y: 600, wires: [[]] },
    ];
    await page.evaluate((nodes) => { RED.view.importNodes(nodes, { addFlow: true }); }, flow);
    await page.mouse.click(700, 450);
    await page.waitForFunction(() => RED.nodes.node('bad00000000000u1') !== null);

    interface Case { node: string; set: Array<[string, string]>; field: string; saves?: boolean }
    const cases: Case[] = [
      { node: 'bad00000000000s1', set: [['listen', 'path'], ['path', '']], field: 'path' },
      { node: 'bad00000000000s1', set: [['listen', 'path'], ['path', 'no-slash']], field: 'path' },
      { node: 'bad00000000000s1', set: [['listen', 'port'], ['host', '127.0.0.1'], ['port', '99999']], field: 'port' },
      { node: 'bad00000000000s1', set: [['listen', 'port'], ['port', '8090'], ['host', '']], field: 'host' },
      { node: 'bad00000000000s1', set: [['dialect', 'evok']], field: 'modbus' },
      { node: 'bad00000000000s1', set: [['dialect', 'opcua-server']], field: 'opcua' },
      { node: 'bad00000000000s1', set: [['maxClients', '-5']], field: 'maxClients', saves: true },
      { node: 'bad00000000000c1', set: [['reconnectFirst', 'abc']], field: 'reconnectFirst' },
      { node: 'bad00000000000c1', set: [['reconnectFirst', '10'], ['reconnectMax', '5']], field: 'reconnectMax' },
      { node: 'bad00000000000c1', set: [['url', 'http://example.com/ws']], field: 'url', saves: true },
      { node: 'bad00000000000m1', set: [['port', '70000']], field: 'port', saves: true },
      { node: 'bad00000000000o1', set: [['endpointUrl', 'http://nope']], field: 'endpointUrl', saves: true },
      // Cross-field: the dialog's "Events of" / "Through", not the saved one, decides what is needed.
      { node: 'bad00000000000i1', set: [['via', 'client'], ['client', '_ADD_']], field: 'client', saves: true },
      { node: 'bad00000000000u1', set: [['via', 'client'], ['client', '_ADD_']], field: 'client', saves: true },
    ];
    const unmarked: string[] = [];
    for (const c of cases) {
      const prefix = await openDialog(c.node);
      for (const [name, value] of c.set) {
        const input = page.locator(`#${prefix}-${name}`);
        if (await input.evaluate((el) => el.tagName === 'SELECT')) await input.selectOption(value);
        else await input.fill(value);
        await input.dispatchEvent('change');
      }
      const target = page.locator(`#${prefix}-${c.field}`);
      const marked = await target.evaluate((el) => el.classList.contains('input-error') ||
        (el.parentElement?.classList.contains('input-error') ?? false));
      if (!marked) unmarked.push(`${c.node} ${c.field} after ${JSON.stringify(c.set)}`);
      if (c.saves === true) await saveDialogScreenshot(`invalid-${c.node}-${c.field}`);
      await closeDialog(prefix, c.saves === true ? 'ok' : 'cancel');
    }
    assert.deepEqual(unmarked, [], 'fields not marked invalid');

    const messages = await page.evaluate(() => ['bad00000000000s1', 'bad00000000000c1', 'bad00000000000m1', 'bad00000000000o1', 'bad00000000000i1', 'bad00000000000u1']
      .map((id) => ({ id, valid: RED.nodes.node(id)?.valid, errors: RED.nodes.node(id)?.validationErrors ?? [] })));
    for (const m of messages) assert.equal(m.valid, false, `${m.id} should be invalid after saving a bad value`);

    // The warning names the first invalid nodes and counts the rest ("+ 1 more").
    const warned = await deploy();
    const more = warned.map((line) => /^\+ (\d+) more$/.exec(line.trim())).reduce((n, m) => n + (m ? Number(m[1]) : 0), 0);
    const named = warned.filter((line) => !/^\+ \d+ more$/.test(line.trim()));
    assert.ok(named.every((line) => /\bbad (server|client|modbus|opcua|in|out)\b/.test(line)), `the deploy warning lists other nodes: ${JSON.stringify(warned)}`);
    assert.equal(named.length + more, 6, `the deploy warning counts the six bad nodes: ${JSON.stringify(warned)}`);
    assert.deepEqual(packageConsoleErrors(), [], 'console errors from the package');
  });

  // regression: markdown help ran wrapped Outputs entries together ("payloadany"), and config types were
  // listed in the help tree by their type names.
  step('help renders as Node-RED\'s own: Inputs / Outputs as dl / dt / dd, no literal markup, plain names in the tree', async () => {
    const problems: string[] = [];
    for (const type of ALL_TYPES) {
      await page.evaluate((t) => { RED.sidebar.show('help'); RED.sidebar.help.show(t); }, type);
      const help = page.locator('.red-ui-sidebar-help-stack .red-ui-help').first();
      await help.locator('p').first().waitFor({ state: 'visible' });
      if (type === ALL_TYPES[0]) await help.screenshot({ path: path.join(artifacts, 'dialogs', `help-${type}.png`) });
      const report = await help.evaluate((el) => ({
        text: el.textContent ?? '',
        headings: Array.from(el.querySelectorAll('h3')).map((h) => (h.textContent ?? '').trim()),
        lists: Array.from(el.querySelectorAll('h3 + dl.message-properties')).map((dl) => ({
          heading: (dl.previousElementSibling?.textContent ?? '').trim(),
          entries: Array.from(dl.querySelectorAll(':scope > dt')).map((dt) => ({
            name: (dt.firstChild?.textContent ?? '').trim(),
            type: (dt.querySelector('.property-type')?.textContent ?? '').trim(),
            description: (dt.nextElementSibling?.tagName === 'DD' ? dt.nextElementSibling.textContent ?? '' : '').trim(),
          })),
        })),
      }));
      if (/<\/?(code|b|i|p)>/.test(report.text)) problems.push(`${type}: help shows literal markup`);
      if (FLOW_TYPES.includes(type)) {
        const outputs = report.lists.find((l) => l.heading === 'Outputs');
        if (!outputs) problems.push(`${type}: no Outputs list`);
        for (const entry of outputs?.entries ?? []) {
          if (!/^[A-Za-z_]+$/.test(entry.name) || entry.type === '' || entry.description === '') problems.push(`${type}: Outputs entry ${JSON.stringify(entry)}`);
        }
      }
      if (type === 'ws-gateway-out') {
        const inputs = report.lists.find((l) => l.heading === 'Inputs');
        if (!inputs || inputs.entries.length < 2) problems.push('ws-gateway-out: no Inputs list');
        const payload = report.lists.find((l) => l.heading === 'Outputs')?.entries.find((e) => e.name === 'payload');
        if (!payload || !/^invoke only/.test(payload.description)) problems.push(`ws-gateway-out: Outputs payload reads ${JSON.stringify(payload)}`);
      }
    }
    assert.deepEqual(problems, []);
    // The help index lists the package's types under their palette labels.
    const treeLabels = await page.evaluate(() => Array.from(document.querySelectorAll('.red-ui-sidebar-help-stack .red-ui-node-label, .red-ui-help-search .red-ui-node-label'))
      .map((el) => (el.textContent ?? '').trim()));
    for (const type of CONFIG_TYPES) assert.ok(!treeLabels.includes(type), `the help tree shows ${type} by its type name`);
    for (const label of ['gateway server', 'gateway client', 'Modbus connection', 'OPC UA server']) {
      assert.ok(treeLabels.includes(label), `the help tree lists "${label}": ${JSON.stringify(treeLabels)}`);
    }
    assert.deepEqual(packageConsoleErrors(), [], 'console errors from the package');
  });
});

/** The part of the editor's API that the steps above use. */
interface EditorNode {
  id: string;
  type: string;
  valid?: boolean;
  validationErrors?: unknown[];
  _def: { category?: string };
}
interface NodeDefinition {
  defaults?: Record<string, unknown>;
  paletteLabel?: string | ((this: NodeDefinition) => string);
}
declare global {
  interface Window {
    wsGatewayEditor?: { dialog: unknown };
  }
}
declare const RED: {
  nodes: {
    getType(type: string): NodeDefinition | null;
    node(id: string): EditorNode | null;
    eachNode(callback: (node: EditorNode) => void): void;
    eachConfig(callback: (node: EditorNode) => void): void;
  };
  editor: { edit(node: EditorNode): void; editConfig(name: string, type: string, id: string): void };
  view: { importNodes(nodes: unknown[], options?: { addFlow?: boolean }): void };
  sidebar: { show(tab: string): void; help: { show(type: string): void } };
};
