#!/usr/bin/env node
// Offline Flow Library scorecard: the checks of `node-red-dev validate` that need no network, plus the
// editor-file parse the Flow Library does, plus our own dist/ layout checks. Prints one line per check,
// `PASS <id> <text>` or `FAIL <id> <text>`, and exits 1 if any check fails.
//
//   P01 license            P03 repository/bugs: none, or no placeholder address   P04 name   P05 keyword node-red
//   P06 node-red.version against the pinned Node-RED releases below
//   P07 engines.node against the minimum Node of the latest Node-RED
//   N02 every non-config node type is used in some examples/**/*.json (a JSON array of nodes)
//   D01 at most 6 dependencies, node-red not among them
//   H01 editor html: registerType('<literal>', {...}) with literal category/color/icon/inputs/outputs and
//       inline defaults/credentials, a form template per type (as node-red-dev and the Flow Library parse it)
//   R01 editor resources: every <script src> of an editor html is resources/<package name>/<file>, comes before
//       the html's own scripts, and names a file of resources/ that parses (Node-RED serves resources/ there)
//   L01 message catalog and help: locales/en-US/<name>.json with a key per type, <name>.html with help per type
//   F01 dist/: the node file, its html, locales and icons sit where Node-RED and the Flow Library look
//   T01 the tarball (`npm run build:package`, then `npm pack --dry-run --json`): the node files, the editor
//       resources the html files load, each node's icon once, and no source map or sourceMappingURL that
//       points at a file the tarball does not ship
//
// Version ranges are read with `semver` and editor scripts parsed with `acorn` / `acorn-walk` (devDependencies).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import semver from 'semver';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rel = (p) => path.relative(root, p).split(path.sep).join('/') || '.';

// Node-RED releases the scorecard compares against (registry dist-tags, pinned: this check is offline).
const NODE_RED_RELEASES = [
  { version: '5.0.7', tag: 'latest', node: '>=22.9.0' },
  { version: '4.1.15', tag: 'maintenance', node: '>=18.5' },
];
const MAX_DEPENDENCIES = 6;
// The editor helpers the node html files share, and the global they define: an html that uses them must
// load the file itself, because a node set can be added to the editor alone (the palette manager does).
const SHARED_EDITOR = { file: 'resources/ws-gateway-editor.js', global: 'wsGatewayEditor' };

let failures = 0;
function report(ok, id, text) {
  if (!ok) failures++;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${id} ${text}`);
}

// ---------------------------------------------------------------------------------------------------------
// Editor html parse, following node-red-dev / flow-library: <script ... type="text/javascript"> blocks,
// X.registerType(<Literal>, <ObjectExpression>).

const LITERAL_PROPS = ['category', 'color', 'icon', 'inputs', 'outputs'];
const OBJECT_PROPS = ['defaults', 'credentials'];

function editorScripts(html) {
  const scripts = [];
  const re = /<script\b([^>]*)>([\s\S]*?)<\/script>/gi;
  for (const m of html.matchAll(re)) {
    if (/\btype\s*=\s*["']text\/javascript["']/i.test(m[1])) scripts.push(m[2]);
  }
  return scripts;
}

// -> [{ type, typeLiteral, props: {name: {kind: 'literal'|'object'|'other', value}}, problems: [] }]
function registrationsWithAcorn(code) {
  const ast = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'script' });
  const found = [];
  walk.simple(ast, {
    CallExpression(node) {
      const callee = node.callee;
      if (callee.type !== 'MemberExpression' || callee.computed || callee.property.name !== 'registerType') return;
      const [typeArg, defArg] = node.arguments;
      const reg = { type: null, typeLiteral: false, props: {}, problems: [] };
      if (typeArg && typeArg.type === 'Literal' && typeof typeArg.value === 'string') {
        reg.type = typeArg.value;
        reg.typeLiteral = true;
      } else {
        reg.problems.push('the type name is not a string literal');
      }
      if (!defArg || defArg.type !== 'ObjectExpression') {
        reg.problems.push('the definition is not an inline object literal');
      } else {
        for (const p of defArg.properties) {
          if (p.type !== 'Property' || p.computed) continue;
          const key = p.key.type === 'Identifier' ? p.key.name : p.key.value;
          const v = p.value;
          if (v.type === 'Literal') reg.props[key] = { kind: 'literal', value: v.value };
          else if (v.type === 'ObjectExpression') reg.props[key] = { kind: 'object' };
          else reg.props[key] = { kind: 'other' };
        }
      }
      found.push(reg);
    },
  });
  return found;
}

function parseEditorHtml(file) {
  const html = fs.readFileSync(file, 'utf8');
  const regs = [];
  const problems = [];
  for (const code of editorScripts(html)) {
    try {
      regs.push(...registrationsWithAcorn(code));
    } catch (err) {
      problems.push(`a text/javascript script does not parse: ${err.message}`);
    }
  }
  for (const reg of regs) {
    const name = reg.type ?? '(non-literal)';
    for (const p of reg.problems) problems.push(`${name}: ${p}`);
    if (!reg.typeLiteral) continue;
    for (const key of LITERAL_PROPS) {
      const prop = reg.props[key];
      if (prop && prop.kind !== 'literal') problems.push(`${name}: ${key} is not a literal`);
    }
    for (const key of OBJECT_PROPS) {
      const prop = reg.props[key];
      if (prop && prop.kind !== 'object') problems.push(`${name}: ${key} is not an inline object literal`);
    }
    if (!reg.props.category) problems.push(`${name}: no category`);
    if (!reg.props.defaults) problems.push(`${name}: no defaults`);
    const isConfig = reg.props.category?.kind === 'literal' && reg.props.category.value === 'config';
    if (!isConfig && !reg.props.icon) problems.push(`${name}: no icon`);
    const template = new RegExp(`<script\\b[^>]*data-template-name=["']${escapeRegExp(name)}["']`, 'i');
    if (!template.test(html)) problems.push(`${name}: no <script data-template-name="${name}"> form`);
  }
  return { regs: regs.filter((r) => r.typeLiteral), problems, html };
}

// Scripts an editor html loads from the package's resources/ folder. The editor loads every relative
// <script src> of a node set before it adds the set's html, and waits for each: a file that is missing
// (not shipped) leaves the editor waiting, and the package's nodes never show.
function editorResources(file, packageName) {
  const html = fs.readFileSync(file, 'utf8');
  const prefix = `resources/${packageName}/`;
  const resources = [];
  const problems = [];
  const firstInline = html.search(/<script\b(?![^>]*\bsrc\s*=)[^>]*\btype\s*=\s*["']text\/javascript["']/i);
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const src = /\bsrc\s*=\s*["']([^"']*)["']/i.exec(m[1])?.[1];
    if (src === undefined) continue;
    if (!src.startsWith(prefix)) {
      problems.push(`${src} is not ${prefix}<file> (relative, so that the editor resolves it against its own root)`);
      continue;
    }
    if (m[2].trim() !== '') problems.push(`the <script src="${src}"> tag has content, which the browser ignores`);
    if (firstInline >= 0 && m.index > firstInline) problems.push(`${src} is loaded after the html's own script`);
    const target = path.join(root, 'resources', ...src.slice(prefix.length).split('/'));
    if (!target.startsWith(path.join(root, 'resources') + path.sep)) {
      problems.push(`${src} points outside resources/`);
    } else if (!fs.existsSync(target) || !fs.statSync(target).isFile()) {
      problems.push(`${src}: missing ${rel(target)}`);
    } else {
      try {
        acorn.parse(fs.readFileSync(target, 'utf8'), { ecmaVersion: 'latest', sourceType: 'script' });
      } catch (err) {
        problems.push(`${rel(target)} does not parse: ${err.message}`);
      }
      resources.push(rel(target));
    }
  }
  const usesShared = editorScripts(html).some((code) => new RegExp(`\\b${SHARED_EDITOR.global}\\b`).test(code));
  if (usesShared && !resources.includes(SHARED_EDITOR.file)) problems.push(`uses ${SHARED_EDITOR.global} but does not load ${SHARED_EDITOR.file}`);
  return { resources, problems };
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function walkFiles(dir, ext) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walkFiles(p, ext));
    else if (e.isFile() && e.name.endsWith(ext)) out.push(p);
  }
  return out.sort();
}

function sameFile(a, b) {
  return fs.existsSync(a) && fs.existsSync(b) && fs.readFileSync(a).equals(fs.readFileSync(b));
}

/** A range semver can read, or an Error that says which text it could not. */
function validRange(range) {
  if (semver.validRange(range) === null) throw new Error('is not a semver range');
  return range;
}

/** Hosts reserved for examples and tests (RFC 2606 / 6761), which no real repository lives at. */
function isPlaceholderUrl(url) {
  const host = /^(?:[a-z+]+:\/\/)?(?:[^@/]*@)?([^/:]+)/i.exec(url.trim())?.[1]?.toLowerCase() ?? '';
  return host === '' || /(^|\.)(example\.(com|net|org)|example|invalid|test|localhost)$/.test(host);
}

/** Runs npm (the one running this script when started by npm run) and returns its result. */
function npm(args, options) {
  const cli = process.env.npm_execpath;
  return cli && /\.c?js$/.test(cli)
    ? spawnSync(process.execPath, [cli, ...args], { cwd: root, ...options })
    : spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd: root, shell: process.platform === 'win32', ...options });
}

// ---------------------------------------------------------------------------------------------------------

let pkg;
try {
  pkg = readJson(path.join(root, 'package.json'));
} catch (err) {
  report(false, 'P00', `cannot read package.json: ${err.message}`);
  process.exit(1);
}

// P01 license
report(typeof pkg.license === 'string' && pkg.license.trim() !== '', 'P01', `license: ${pkg.license ?? '(none)'}`);

// P03 repository / bugs: a wrong address is worse than none (npm and the Flow Library link it), so the
// fields may be absent (node-red-dev then warns), but an address must not be a placeholder.
{
  const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  const bugs = typeof pkg.bugs === 'string' ? pkg.bugs : pkg.bugs?.url;
  const placeholders = [repo, bugs].filter((url) => typeof url === 'string' && isPlaceholderUrl(url));
  report(placeholders.length === 0, 'P03', `repository: ${repo ?? '(none)'}, bugs: ${bugs ?? '(none)'}` +
    (placeholders.length ? ` (placeholder address: ${placeholders.join(', ')})` : ''));
}

// P04 name
{
  const name = String(pkg.name ?? '');
  const scoped = /^@[^/]+\/[^/]+$/.test(name);
  const bare = scoped ? name.split('/')[1] : name;
  let ok = name !== '';
  let text = `name: ${name || '(none)'}`;
  if (ok && !scoped && /^(node-red|nodered)/.test(bare) && !/^(node-red|nodered)-contrib-/.test(bare)) {
    ok = false;
    text += ' (unscoped names may start with node-red only as node-red-contrib-)';
  } else if (ok && !scoped) {
    text += ' (unscoped: the validator warns that new packages should be scoped, and passes)';
  }
  report(ok, 'P04', text);
}

// P05 keyword node-red
report(Array.isArray(pkg.keywords) && pkg.keywords.includes('node-red'), 'P05', 'keywords include "node-red"');

// P06 node-red.version satisfied by a current Node-RED line
{
  const range = pkg['node-red']?.version;
  if (typeof range !== 'string' || range.trim() === '') {
    report(false, 'P06', 'node-red.version is missing');
  } else {
    try {
      const ok = NODE_RED_RELEASES.filter((r) => semver.satisfies(r.version, validRange(range))).map((r) => `${r.version} (${r.tag})`);
      report(ok.length > 0, 'P06', `node-red.version "${range}" ${ok.length ? `is satisfied by ${ok.join(', ')}` : `matches none of ${NODE_RED_RELEASES.map((r) => r.version).join(', ')}`}`);
    } catch (err) {
      report(false, 'P06', `node-red.version "${range}": ${err.message}`);
    }
  }
}

// P07 engines.node accepts the minimum Node of the latest Node-RED
{
  const latest = NODE_RED_RELEASES.find((r) => r.tag === 'latest');
  const floor = semver.minVersion(latest.node).version;
  const range = pkg.engines?.node;
  if (typeof range !== 'string' || range.trim() === '') {
    report(false, 'P07', 'engines.node is missing');
  } else {
    try {
      const ok = semver.satisfies(floor, validRange(range));
      report(ok, 'P07', `engines.node "${range}" ${ok ? 'accepts' : 'rejects'} Node ${floor} (minimum of Node-RED ${latest.version})`);
    } catch (err) {
      report(false, 'P07', `engines.node "${range}": ${err.message}`);
    }
  }
}

// D01 dependencies
{
  const deps = Object.keys(pkg.dependencies ?? {});
  report(deps.length <= MAX_DEPENDENCIES, 'D01', `${deps.length} dependencies (at most ${MAX_DEPENDENCIES}): ${deps.join(', ') || '-'}`);
  if (deps.includes('node-red')) report(false, 'D01', 'node-red must not be a dependency (devDependencies only)');
}

// H01 / L01 / F01 per node set
const sets = Object.entries(pkg['node-red']?.nodes ?? {});
if (sets.length === 0) report(false, 'H01', 'package.json has no node-red.nodes entries');

const allTypes = []; // { type, config }
const resourceFiles = new Set(); // resources/<file> the editor html files load
for (const [setName, file] of sets) {
  const jsFile = path.join(root, file);
  const distDir = path.dirname(jsFile);
  const base = path.basename(file, path.extname(file));
  const relFromDist = path.relative(path.join(root, 'dist'), distDir);
  const srcDir = relFromDist.startsWith('..') ? distDir : path.join(root, relFromDist);
  const srcHtml = path.join(srcDir, `${base}.html`);
  const srcJson = path.join(srcDir, 'locales', 'en-US', `${base}.json`);
  const srcHelp = path.join(srcDir, 'locales', 'en-US', `${base}.html`);

  // H01: parse the source editor file (F01 checks that dist/ holds the same bytes).
  let regs = [];
  if (!fs.existsSync(srcHtml)) {
    report(false, 'H01', `${setName}: missing ${rel(srcHtml)}`);
  } else {
    const parsed = parseEditorHtml(srcHtml);
    regs = parsed.regs;
    const problems = [...parsed.problems];
    if (regs.length === 0) problems.push('no RED.nodes.registerType(...) call found');
    report(problems.length === 0, 'H01', `${rel(srcHtml)}: ${regs.map((r) => r.type).join(', ') || 'no types'}${problems.length ? ': ' + problems.join('; ') : ''}`);
    for (const r of regs) {
      const cat = r.props.category;
      allTypes.push({ type: r.type, config: cat?.kind === 'literal' && cat.value === 'config', icon: r.props.icon, setName, distDir });
    }
  }

  // R01: the scripts the html loads from resources/
  if (fs.existsSync(srcHtml)) {
    const { resources, problems } = editorResources(srcHtml, pkg.name);
    for (const file of resources) resourceFiles.add(file);
    report(problems.length === 0, 'R01', `${rel(srcHtml)}: loads ${resources.length ? resources.join(', ') : 'no resources'}${problems.length ? ': ' + problems.join('; ') : ''}`);
  }

  // L01: message catalog and help for every type of the set
  {
    const problems = [];
    let catalog = null;
    if (!fs.existsSync(srcJson)) problems.push(`missing ${rel(srcJson)}`);
    else {
      try {
        catalog = readJson(srcJson);
      } catch (err) {
        problems.push(`${rel(srcJson)} is not valid JSON: ${err.message}`);
      }
    }
    const help = fs.existsSync(srcHelp) ? fs.readFileSync(srcHelp, 'utf8') : null;
    if (help === null) problems.push(`missing ${rel(srcHelp)}`);
    for (const r of regs) {
      if (catalog && typeof catalog[r.type] !== 'object') problems.push(`${rel(srcJson)} has no "${r.type}" key`);
      if (help !== null && !new RegExp(`data-help-name=["']${escapeRegExp(r.type)}["']`).test(help)) {
        problems.push(`${rel(srcHelp)} has no data-help-name="${r.type}"`);
      }
    }
    report(problems.length === 0, 'L01', `${setName}: catalog and help${problems.length ? ': ' + problems.join('; ') : ''}`);
  }

  // F01: what Node-RED and the Flow Library read from dist/
  {
    const problems = [];
    const distHtml = path.join(distDir, `${base}.html`);
    const distJson = path.join(distDir, 'locales', 'en-US', `${base}.json`);
    const distHelp = path.join(distDir, 'locales', 'en-US', `${base}.html`);
    if (!fs.existsSync(jsFile)) problems.push(`missing ${rel(jsFile)}`);
    for (const [dist, src] of [[distHtml, srcHtml], [distJson, srcJson], [distHelp, srcHelp]]) {
      if (!fs.existsSync(dist)) problems.push(`missing ${rel(dist)}`);
      else if (fs.existsSync(src) && src !== dist && !sameFile(src, dist)) problems.push(`${rel(dist)} differs from ${rel(src)} (stale build?)`);
    }
    for (const r of regs) {
      const icon = r.props.icon;
      if (!icon || icon.kind !== 'literal' || typeof icon.value !== 'string') continue;
      if (/^(font-awesome\/|fa-)/.test(icon.value)) continue;
      const own = path.join(distDir, 'icons', icon.value);
      const core = path.join(root, 'node_modules', '@node-red', 'nodes', 'icons', icon.value);
      if (!fs.existsSync(own) && !fs.existsSync(core)) problems.push(`${r.type}: missing icon ${rel(own)}`);
    }
    report(problems.length === 0, 'F01', `${setName}: ${rel(distDir)}/ has the node, editor, locales and icons${problems.length ? ': ' + problems.join('; ') : ''}`);
  }
}

// Type names must be unique within the package (Node-RED refuses a node set whose type is taken).
{
  const seen = new Map();
  for (const t of allTypes) seen.set(t.type, (seen.get(t.type) ?? 0) + 1);
  const dup = [...seen].filter(([, n]) => n > 1).map(([t]) => t);
  if (dup.length) report(false, 'H01', `types registered more than once: ${dup.join(', ')}`);
}

// N02 examples
{
  const dir = path.join(root, 'examples');
  const files = walkFiles(dir, '.json');
  const used = new Set();
  let badFiles = 0;
  for (const f of files) {
    try {
      const flow = readJson(f);
      if (!Array.isArray(flow)) {
        report(false, 'N02', `${rel(f)} is not a JSON array of nodes`);
        badFiles++;
        continue;
      }
      for (const n of flow) if (n && typeof n.type === 'string') used.add(n.type);
    } catch (err) {
      report(false, 'N02', `${rel(f)} is not valid JSON: ${err.message}`);
      badFiles++;
    }
  }
  if (files.length === 0) report(false, 'N02', `no example flows in ${rel(dir)}/`);
  for (const t of allTypes.filter((x) => !x.config)) {
    const ok = used.has(t.type);
    report(ok, 'N02', `${t.type} ${ok ? 'is used in' : 'is not used in any of'} ${files.length} example file(s)`);
  }
  if (badFiles === 0 && files.length > 0 && allTypes.every((t) => t.config)) report(true, 'N02', 'no flow node types to check');
}

// T01 the tarball as `npm publish` would pack it (prepack runs build:package; it is run here first so
// that its output does not mix into npm's JSON).
{
  const build = npm(['run', 'build:package'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const pack = build.status === 0 ? npm(['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }) : undefined;
  if (!pack || pack.status !== 0) {
    report(false, 'T01', build.status !== 0 ? 'npm run build:package failed' : `npm pack --dry-run failed: ${pack.stderr}`);
  } else {
    const shipped = new Set(JSON.parse(pack.stdout)[0].files.map((file) => file.path));
    const problems = [];
    for (const [setName, file] of sets) if (!shipped.has(file)) problems.push(`${setName}: ${file} is not shipped`);
    for (const file of resourceFiles) if (!shipped.has(file)) problems.push(`${file} (an editor html loads it) is not shipped`);
    // Each icon once: Node-RED gathers the icons of every icons/ folder of the package.
    const iconCopies = new Map();
    for (const file of shipped) {
      if (/^dist\/nodes\/[^/]+\/icons\/[^/]+$/.test(file)) iconCopies.set(path.posix.basename(file), (iconCopies.get(path.posix.basename(file)) ?? 0) + 1);
    }
    for (const t of allTypes) {
      const icon = t.icon?.kind === 'literal' ? t.icon.value : undefined;
      if (typeof icon !== 'string' || /^(font-awesome\/|fa-|node-red\/)/.test(icon)) continue;
      if ((iconCopies.get(icon) ?? 0) !== 1) problems.push(`${t.type}: icon ${icon} is shipped ${iconCopies.get(icon) ?? 0} times`);
    }
    for (const [icon, n] of iconCopies) if (n > 1) problems.push(`icon ${icon} is shipped ${n} times`);
    // Source maps: a map must only name shipped sources, and a sourceMappingURL only a shipped map.
    for (const file of shipped) {
      const dir = path.posix.dirname(file);
      if (file.endsWith('.map')) {
        const map = readJson(path.join(root, file));
        for (const source of map.sources ?? []) {
          const target = path.posix.normalize(path.posix.join(dir, map.sourceRoot ?? '', source));
          if (!shipped.has(target) && !(map.sourcesContent ?? [])[map.sources.indexOf(source)]) problems.push(`${file} names ${target}, which is not shipped`);
        }
      } else if (file.endsWith('.js')) {
        const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(fs.readFileSync(path.join(root, file), 'utf8'))?.[1];
        if (url && !url.startsWith('data:') && !shipped.has(path.posix.normalize(path.posix.join(dir, url)))) problems.push(`${file} points at ${url}, which is not shipped`);
      }
    }
    const maps = [...shipped].filter((file) => file.endsWith('.map')).length;
    report(problems.length === 0, 'T01', `tarball: ${shipped.size} files, ${resourceFiles.size} editor resources, ${iconCopies.size} icons, ${maps} source maps` +
      (problems.length ? `: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? ` (+${problems.length - 10} more)` : ''}` : ''));
  }
}

if (failures > 0) {
  console.log(`${failures} check(s) failed`);
  process.exit(1);
}
console.log('all checks passed');
