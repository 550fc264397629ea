#!/usr/bin/env node
// Offline Flow Library scorecard: the checks of `node-red-dev validate` that need no network, plus the
// editor-file parse the Flow Library does, plus our own dist/ layout checks. Prints one line per check,
// `PASS <id> <text>` or `FAIL <id> <text>`, and exits 1 if any check fails.
//
//   P01 license            P03 repository/bugs     P04 name              P05 keyword node-red
//   P06 node-red.version against the pinned Node-RED releases below
//   P07 engines.node against the minimum Node of the latest Node-RED
//   N02 every non-config node type is used in some examples/**/*.json (a JSON array of nodes)
//   D01 at most 6 dependencies, node-red not among them
//   H01 editor html: registerType('<literal>', {...}) with literal category/color/icon/inputs/outputs and
//       inline defaults/credentials, a form template per type (as node-red-dev and the Flow Library parse it)
//   L01 message catalog and help: locales/en-US/<name>.json with a key per type, <name>.html with help per type
//   F01 dist/: the node file, its html, locales and icons sit where Node-RED and the Flow Library look
//
// Uses acorn/acorn-walk when installed (node-red brings them); otherwise falls back to a simpler scan.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rel = (p) => path.relative(root, p).split(path.sep).join('/') || '.';

// Node-RED releases the scorecard compares against (registry dist-tags, pinned: this check is offline).
const NODE_RED_RELEASES = [
  { version: '5.0.7', tag: 'latest', node: '>=22.9.0' },
  { version: '4.1.15', tag: 'maintenance', node: '>=18.5' },
];
const MAX_DEPENDENCIES = 6;

let failures = 0;
function report(ok, id, text) {
  if (!ok) failures++;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${id} ${text}`);
}

// ---------------------------------------------------------------------------------------------------------
// Minimal semver ranges: enough for engines/node-red ranges (||, hyphen, comparators, ^, ~, x, *).

function parseVersion(text) {
  const m = /^\s*v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?\s*$/.exec(text);
  if (!m) return null;
  const part = (s) => (s === undefined || /^[xX*]$/.test(s) ? null : Number(s));
  const [major, minor, patch] = [part(m[1]), part(m[2]), part(m[3])];
  // A wildcard ends the version: 1.x.3 is 1.x.
  if (major === null) return { major: null, minor: null, patch: null };
  if (minor === null) return { major, minor: null, patch: null };
  return { major, minor, patch };
}

function cmp(a, b) {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

// One comparator token -> list of [op, [maj, min, pat]] (ops: >=, <, >, <=, =).
function desugar(token) {
  const m = /^(\^|~>?|>=|<=|>|<|=)?\s*(.*)$/.exec(token);
  const op = m[1] ?? '';
  const v = parseVersion(m[2]);
  if (!v) throw new Error(`cannot read version "${token}"`);
  if (v.major === null) return op === '<' || op === '>' ? [['<', [0, 0, 0]]] : [];
  const lo = [v.major, v.minor ?? 0, v.patch ?? 0];
  // The first version past a partial version: 1 -> 2.0.0, 1.2 -> 1.3.0.
  const next = v.minor === null ? [v.major + 1, 0, 0] : v.patch === null ? [v.major, v.minor + 1, 0] : null;
  switch (op) {
    case '^': {
      let hi;
      if (v.major > 0 || v.minor === null) hi = [v.major + 1, 0, 0];
      else if (v.minor > 0 || v.patch === null) hi = [0, v.minor + 1, 0];
      else hi = [0, 0, v.patch + 1];
      return [['>=', lo], ['<', hi]];
    }
    case '~':
    case '~>':
      return [['>=', lo], ['<', v.minor === null ? [v.major + 1, 0, 0] : [v.major, v.minor + 1, 0]]];
    case '>=':
      return [['>=', lo]];
    case '>':
      return [next ? ['>=', next] : ['>', lo]];
    case '<':
      return [['<', lo]];
    case '<=':
      return [next ? ['<', next] : ['<=', lo]];
    default:
      return next ? [['>=', lo], ['<', next]] : [['=', lo]];
  }
}

function satisfies(version, range) {
  const v = parseVersion(version);
  if (!v || v.patch === null) throw new Error(`not a full version: ${version}`);
  const vv = [v.major, v.minor, v.patch];
  return range.split('||').some((alt) => {
    let set = alt.trim();
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(set);
    if (hyphen) set = `>=${hyphen[1]} <=${hyphen[2]}`;
    // Glue operators to their versions ("> = 1.2" is not valid, ">= 1.2" is).
    const tokens = set.replace(/(\^|~>?|>=|<=|>|<|=)\s+/g, '$1').split(/\s+/).filter(Boolean);
    return tokens.flatMap(desugar).every(([op, b]) => {
      const c = cmp(vv, b);
      return op === '>=' ? c >= 0 : op === '>' ? c > 0 : op === '<' ? c < 0 : op === '<=' ? c <= 0 : c === 0;
    });
  });
}

// The lowest version that satisfies a range (semver.minVersion), searched among the range's own bounds.
function minVersion(range) {
  const candidates = ['0.0.0'];
  for (const m of range.matchAll(/(\d+)(?:\.(\d+))?(?:\.(\d+))?/g)) {
    const [a, b, c] = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
    candidates.push(`${a}.${b}.${c}`, `${a}.${b}.${c + 1}`, `${a}.${b + 1}.0`, `${a + 1}.0.0`);
  }
  const ok = candidates.filter((c) => satisfies(c, range));
  ok.sort((x, y) => cmp(x.split('.').map(Number), y.split('.').map(Number)));
  return ok[0] ?? null;
}

// ---------------------------------------------------------------------------------------------------------
// Editor html parse, following node-red-dev / flow-library: <script ... type="text/javascript"> blocks,
// X.registerType(<Literal>, <ObjectExpression>).

let acorn = null;
let walk = null;
try {
  acorn = await import('acorn');
  walk = await import('acorn-walk');
} catch {
  acorn = null;
}

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

// Fallback without acorn: find registerType('x', { and read the top-level properties of that object.
function registrationsWithRegex(code) {
  const found = [];
  const re = /\.registerType\s*\(\s*/g;
  let m;
  while ((m = re.exec(code))) {
    const reg = { type: null, typeLiteral: false, props: {}, problems: [] };
    let i = re.lastIndex;
    const lit = /^(['"])((?:\\.|(?!\1).)*)\1\s*,\s*/.exec(code.slice(i));
    if (lit) {
      reg.type = lit[2];
      reg.typeLiteral = true;
      i += lit[0].length;
    } else {
      reg.problems.push('the type name is not a string literal');
      i = code.indexOf(',', i) + 1;
      while (/\s/.test(code[i])) i++;
    }
    if (code[i] !== '{') {
      reg.problems.push('the definition is not an inline object literal');
      found.push(reg);
      continue;
    }
    // Walk the object, tracking nesting and skipping strings/comments; read `key: value` at depth 1.
    let depth = 0;
    let j = i;
    let keyStart = -1;
    for (; j < code.length; j++) {
      const ch = code[j];
      if (ch === '"' || ch === "'" || ch === '`') {
        let k = j + 1;
        while (k < code.length && code[k] !== ch) k += code[k] === '\\' ? 2 : 1;
        j = k;
        continue;
      }
      if (ch === '/' && code[j + 1] === '/') { j = code.indexOf('\n', j); if (j < 0) break; continue; }
      if (ch === '/' && code[j + 1] === '*') { j = code.indexOf('*/', j) + 1; if (j <= 0) break; continue; }
      if ('{[('.includes(ch)) {
        depth++;
        if (depth === 1) keyStart = j + 1;
        continue;
      }
      if ('}])'.includes(ch)) {
        depth--;
        if (depth === 0) break;
        continue;
      }
      if (depth === 1 && ch === ',') keyStart = j + 1;
      if (depth === 1 && ch === ':' && keyStart >= 0) {
        const key = code.slice(keyStart, j).trim().replace(/^['"]|['"]$/g, '');
        const rest = code.slice(j + 1);
        const value = /^\s*(?:(['"])((?:\\.|(?!\1).)*)\1|(-?\d+(?:\.\d+)?)|(true|false))\s*[,}\n]/.exec(rest);
        if (value) {
          const v = value[2] ?? (value[3] !== undefined ? Number(value[3]) : value[4] === 'true');
          reg.props[key] = { kind: 'literal', value: v };
        } else if (/^\s*\{/.test(rest)) {
          reg.props[key] = { kind: 'object' };
        } else {
          reg.props[key] = { kind: 'other' };
        }
        keyStart = -1;
      }
    }
    found.push(reg);
  }
  return found;
}

function parseEditorHtml(file) {
  const html = fs.readFileSync(file, 'utf8');
  const regs = [];
  const problems = [];
  for (const code of editorScripts(html)) {
    try {
      regs.push(...(acorn ? registrationsWithAcorn(code) : registrationsWithRegex(code)));
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

// P03 repository / bugs (the scorecard needs one; we want both)
{
  const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  const bugs = typeof pkg.bugs === 'string' ? pkg.bugs : pkg.bugs?.url;
  report(Boolean(repo || bugs), 'P03', `repository: ${repo ?? '(none)'}, bugs: ${bugs ?? '(none)'}`);
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
      const ok = NODE_RED_RELEASES.filter((r) => satisfies(r.version, range)).map((r) => `${r.version} (${r.tag})`);
      report(ok.length > 0, 'P06', `node-red.version "${range}" ${ok.length ? `is satisfied by ${ok.join(', ')}` : `matches none of ${NODE_RED_RELEASES.map((r) => r.version).join(', ')}`}`);
    } catch (err) {
      report(false, 'P06', `node-red.version "${range}": ${err.message}`);
    }
  }
}

// P07 engines.node accepts the minimum Node of the latest Node-RED
{
  const latest = NODE_RED_RELEASES.find((r) => r.tag === 'latest');
  const floor = minVersion(latest.node);
  const range = pkg.engines?.node;
  if (typeof range !== 'string' || range.trim() === '') {
    report(false, 'P07', 'engines.node is missing');
  } else {
    try {
      report(satisfies(floor, range), 'P07', `engines.node "${range}" ${satisfies(floor, range) ? 'accepts' : 'rejects'} Node ${floor} (minimum of Node-RED ${latest.version})`);
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
    const how = acorn ? 'acorn' : 'regex scan, acorn not installed';
    report(problems.length === 0, 'H01', `${rel(srcHtml)}: ${regs.map((r) => r.type).join(', ') || 'no types'} (${how})${problems.length ? ': ' + problems.join('; ') : ''}`);
    for (const r of regs) {
      const cat = r.props.category;
      allTypes.push({ type: r.type, config: cat?.kind === 'literal' && cat.value === 'config', icon: r.props.icon, setName, distDir });
    }
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

if (failures > 0) {
  console.log(`${failures} check(s) failed`);
  process.exit(1);
}
console.log('all checks passed');
