#!/usr/bin/env node
// Copies the editor assets next to the compiled node files, where Node-RED and the Flow Library look for
// them: for every entry `dist/nodes/<type>/<type>.js` of package.json `node-red.nodes`,
//   nodes/<type>/<type>.html   -> dist/nodes/<type>/<type>.html
//   nodes/<type>/locales/**    -> dist/nodes/<type>/locales/**
//   icons/<type>.<ext>         -> dist/nodes/<type>/icons/<type>.<ext>
// Each icon goes next to its own node only: Node-RED gathers the icons of all icons/ folders of a package,
// so one copy per icon is enough, and the tarball carries each once.
// The editor scripts the node html files share stay in resources/ at the package root, where Node-RED
// serves them (resources/<package name>/<file>): nothing is copied, but every <script src> of an html
// must name a file there, or the editor would wait for it forever and never show the package's nodes.
// Runs after tsc (npm run build). Checks everything first and copies nothing when a file is missing.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rel = (p) => path.relative(root, p) || '.';

function countFiles(dir) {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    n += e.isDirectory() ? countFiles(path.join(dir, e.name)) : e.isFile() ? 1 : 0;
  }
  return n;
}

function fail(lines) {
  for (const line of lines) console.error(`copy-assets: ${line}`);
  process.exit(1);
}

/** The src of every <script> tag of an editor html. */
function scriptSources(html) {
  return [...html.matchAll(/<script\b[^>]*\bsrc\s*=\s*["']([^"']*)["']/gi)].map((m) => m[1]);
}

/** Why an editor html's script src is not a file of this package's resources/, or undefined when it is. */
function resourceProblem(src) {
  const prefix = `resources/${pkg.name}/`;
  // Relative, so that the editor resolves it against its own root (and runs it before the node's scripts).
  if (!src.startsWith(prefix)) return `not ${prefix}<file>`;
  const file = path.join(root, 'resources', ...src.slice(prefix.length).split('/'));
  if (!file.startsWith(path.join(root, 'resources') + path.sep)) return 'outside resources/';
  return fs.existsSync(file) && fs.statSync(file).isFile() ? undefined : `missing ${rel(file)}`;
}

let pkg;
try {
  pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
} catch (err) {
  fail([`cannot read package.json: ${err.message}`]);
}
const entries = Object.entries(pkg['node-red']?.nodes ?? {});
if (entries.length === 0) fail(['package.json has no "node-red.nodes" entries']);

const iconsDir = path.join(root, 'icons');
const icons = fs.existsSync(iconsDir)
  ? fs.readdirSync(iconsDir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name)
  : [];

const problems = [];
if (icons.length === 0) problems.push(`no icons found in ${rel(iconsDir)}/`);

const plans = [];
for (const [setName, file] of entries) {
  // dist/nodes/<type>/<type>.js: the sources live at the same place without the leading dist/.
  const jsFile = path.join(root, file);
  const outDir = path.dirname(jsFile);
  const base = path.basename(file, path.extname(file));
  const relOut = path.relative(path.join(root, 'dist'), outDir);
  if (relOut.startsWith('..') || path.isAbsolute(relOut)) {
    problems.push(`node set "${setName}": ${file} is not under dist/`);
    continue;
  }
  const srcDir = path.join(root, relOut);
  const html = path.join(srcDir, `${base}.html`);
  const locales = path.join(srcDir, 'locales');
  const required = [
    html,
    path.join(locales, 'en-US', `${base}.json`),
    path.join(locales, 'en-US', `${base}.html`),
  ];
  for (const f of required) {
    if (!fs.existsSync(f)) problems.push(`node set "${setName}": missing ${rel(f)}`);
  }
  if (!fs.existsSync(jsFile)) {
    problems.push(`node set "${setName}": missing ${rel(jsFile)} (compile with tsc first)`);
  }
  // A catalog that does not parse makes Node-RED drop every string of the node set.
  const catalog = required[1];
  if (fs.existsSync(catalog)) {
    try {
      JSON.parse(fs.readFileSync(catalog, 'utf8'));
    } catch (err) {
      problems.push(`node set "${setName}": ${rel(catalog)} is not valid JSON: ${err.message}`);
    }
  }
  if (fs.existsSync(html)) {
    for (const src of scriptSources(fs.readFileSync(html, 'utf8'))) {
      const problem = resourceProblem(src);
      if (problem) problems.push(`node set "${setName}": ${rel(html)} loads ${src}: ${problem}`);
    }
  }
  const ownIcons = icons.filter((icon) => path.parse(icon).name === base);
  if (ownIcons.length === 0) problems.push(`node set "${setName}": no icon ${rel(path.join(iconsDir, base))}.svg (or .png)`);
  plans.push({ base, outDir, html, locales, ownIcons });
}
const bases = new Set(plans.map((plan) => plan.base));
for (const icon of icons) {
  if (!bases.has(path.parse(icon).name)) problems.push(`${rel(path.join(iconsDir, icon))} is named after no node set`);
}

if (problems.length > 0) fail(problems);

let copied = 0;
for (const { base, outDir, html, locales, ownIcons } of plans) {
  fs.mkdirSync(outDir, { recursive: true });
  fs.copyFileSync(html, path.join(outDir, `${base}.html`));
  copied++;

  // Replace, not merge, so that a renamed or deleted locale or icon does not linger in dist/.
  const outLocales = path.join(outDir, 'locales');
  fs.rmSync(outLocales, { recursive: true, force: true });
  fs.cpSync(locales, outLocales, { recursive: true });
  copied += countFiles(outLocales);

  const outIcons = path.join(outDir, 'icons');
  fs.rmSync(outIcons, { recursive: true, force: true });
  fs.mkdirSync(outIcons, { recursive: true });
  for (const icon of ownIcons) {
    fs.copyFileSync(path.join(iconsDir, icon), path.join(outIcons, icon));
    copied++;
  }
}

// Data files that lib/ reads at run time (device profiles) go next to the compiled code that loads them.
for (const dataDir of ['lib/modbus/profiles']) {
  const from = path.join(root, dataDir);
  if (!fs.existsSync(from)) continue;
  const to = path.join(root, 'dist', dataDir);
  fs.rmSync(to, { recursive: true, force: true });
  fs.cpSync(from, to, { recursive: true });
  copied += countFiles(to);
}

console.log(`copy-assets: ${copied} files copied for ${plans.length} node sets`);
