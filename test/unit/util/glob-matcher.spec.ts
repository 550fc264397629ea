import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AllowedEndpoints } from '../../../lib/dialects/opcua-gateway/allowed-endpoints';
import { compileFromPattern, QueryError } from '../../../lib/dialects/winccoa/query';
import { WriteAccess } from '../../../lib/dialects/winccoa/write-access';
import { HookBus } from '../../../lib/server/hooks';
import { compilePattern } from '../../../lib/tags';
import { compileGlob, defaultGlobLimits, PatternError, type MatchCounter } from '../../../lib/util/glob-matcher';

const winccSyntax = { separators: '.', globstar: true, questionMark: true, classes: true, braces: true };

/** mulberry32: a small seeded PRNG, so a failing case can be replayed from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomText(random: () => number, alphabet: string, maxLength: number): string {
  const length = Math.floor(random() * (maxLength + 1));
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

// The RegExp translations the patterns had before the matcher: the reference it must agree with.
function referenceTagPattern(pattern: string): (name: string) => boolean {
  const alternatives = pattern.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
  if (alternatives.length === 0) return () => true;
  const regexes = alternatives.map((glob) => {
    let source = '';
    for (const char of glob) {
      if (char === '*') source += '.*';
      else if (char === '?') source += '.';
      else source += char.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    }
    return new RegExp(`^${source}$`, 's');
  });
  return (name) => regexes.some((regex) => regex.test(name));
}

function referenceFromPattern(pattern: string, system: string): (element: string) => boolean {
  let text = pattern.trim();
  const colon = text.indexOf(':');
  if (colon >= 0) {
    const prefix = text.slice(0, colon);
    text = text.slice(colon + 1);
    if (prefix !== system) return () => false;
  }
  let source = '';
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '*') {
      if (text[index + 1] === '*') {
        source += '.*';
        index++;
      } else {
        source += '[^.]*';
      }
    } else if (char === '?') {
      source += '[^.]';
    } else if (char === '[') {
      const end = text.indexOf(']', index + 1);
      if (end < 0) throw new Error('unterminated [');
      let body = text.slice(index + 1, end);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      source += `[${body.replace(/[\\\]]/g, '\\$&')}]`;
      index = end;
    } else if (char === '{') {
      depth++;
      source += '(?:';
    } else if (char === '}' && depth > 0) {
      depth--;
      source += ')';
    } else if (char === ',' && depth > 0) {
      source += '|';
    } else {
      source += char.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    }
  }
  if (depth !== 0) throw new Error('unterminated {');
  const regex = new RegExp(`^${source}${text.includes('.') ? '' : '\\..*'}$`, 's');
  return (element) => regex.test(element);
}

function referenceEndpoints(text: string): (url: string) => boolean {
  const normalise = (url: string): string => {
    const match = /^([a-z.]+:\/\/)([^/]*)(.*)$/i.exec(url.trim());
    if (!match) return url.trim();
    const [, scheme, host, rest] = match;
    return `${scheme.toLowerCase()}${host.toLowerCase()}${rest.replace(/\/+$/, '')}`;
  };
  const entries = text.split(/[\n,]/).map((entry) => entry.trim()).filter((entry) => entry.length > 0);
  const patterns = entries.map((entry) => new RegExp(`^${normalise(entry).split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`));
  return (url) => patterns.some((pattern) => pattern.test(normalise(url)));
}

describe('glob matcher: limits', () => {
  const refuses = (pattern: string, pattern2?: RegExp): void => {
    assert.throws(() => compileGlob(pattern, winccSyntax), (error: unknown) => error instanceof PatternError && (!pattern2 || pattern2.test(error.message)));
  };

  it('regression: refuses 9,000 nested "{a," (a RegExp of it killed V8) and 250,000 alternatives at the length check', () => {
    refuses('{a,'.repeat(9000), /at most 1024/);
    refuses(`{${Array.from({ length: 250_000 }, () => 'a').join(',')}}`, /at most 1024/);
  });

  it('refuses too deep {}, too many alternatives and too large classes within the length limit', () => {
    const depth = defaultGlobLimits.maxDepth;
    assert.equal(compileGlob(`${'{a,'.repeat(depth)}b${'}'.repeat(depth)}`, winccSyntax).matches('b'), true);
    refuses(`${'{a,'.repeat(depth + 1)}b${'}'.repeat(depth + 1)}`, /nested deeper than 8/);
    assert.equal(compileGlob(`{${Array.from({ length: 256 }, (_, i) => i).join(',')}}`, winccSyntax).matches('255'), true);
    refuses(`{${Array.from({ length: 257 }, (_, i) => i).join(',')}}`, /more than 256 alternatives/);
    assert.throws(() => compilePattern(Array.from({ length: 257 }, () => 'x').join(',')), PatternError, 'comma lists count too');
    refuses(`[${'a'.repeat(65)}]`, /more than 64/);
    refuses('[z-a]', /out of order/);
    refuses('{a', /unterminated \{/);
    refuses('[a', /unterminated \[/);
  });

  it('matches a 10,000-character name against a 1,000-character pattern with bounded work', () => {
    // `*a*a*a...b`: the shape that makes a backtracking matcher try every split of the name.
    const pattern = `${'*a'.repeat(499)}*b`;
    assert.equal(pattern.length, 1000);
    const name = 'a'.repeat(10_000);
    for (const syntax of [{}, winccSyntax]) {
      const counter: MatchCounter = { steps: 0 };
      const matcher = compileGlob(pattern, syntax, defaultGlobLimits, counter);
      assert.equal(matcher.matches(name), false);
      assert.equal(matcher.matches(`${name}b`), true);
      assert.ok(matcher.size <= 3 * pattern.length + 2, `program of ${matcher.size} instructions`);
      // Each character visits each instruction at most twice (entering it, then trying its character).
      const bound = 2 * matcher.size * (name.length + 2) * 2;
      assert.ok(counter.steps > 0 && counter.steps <= bound, `${counter.steps} steps, bound ${bound}`);
    }
  });
});

describe('glob matcher: agrees with the RegExp translations it replaced (seeded random patterns)', () => {
  const cases = 4000;

  it('tag patterns: *, ? and comma alternatives', () => {
    const random = prng(0x7a9);
    for (let i = 0; i < cases; i++) {
      const pattern = randomText(random, 'ab*?,. /', 8);
      const reference = referenceTagPattern(pattern);
      const matcher = compilePattern(pattern);
      for (let j = 0; j < 8; j++) {
        const name = randomText(random, 'ab. /\n', 7);
        assert.equal(matcher(name), reference(name), `pattern ${JSON.stringify(pattern)} name ${JSON.stringify(name)}`);
      }
    }
  });

  it('plain names and comma lists of them (compared as strings) agree with the matching program', () => {
    const random = prng(0x1ee7);
    let plain = 0;
    for (let i = 0; i < cases; i++) {
      // Mostly letters, so most patterns have no wildcard and take the string comparison.
      const pattern = randomText(random, 'abab.ab, *', 8);
      for (const syntax of [{ questionMark: true, commaList: true }, winccSyntax, {}]) {
        const fast = compileGlob(pattern, syntax);
        // A counter makes the matcher run its program, whatever the pattern.
        const program = compileGlob(pattern, syntax, defaultGlobLimits, { steps: 0 });
        if (!/[*?,{}[\]]/.test(pattern)) plain++;
        for (const name of [pattern, pattern.trim(), ...Array.from({ length: 6 }, () => randomText(random, 'ab. ,', 6))]) {
          assert.equal(fast.matches(name), program.matches(name), `pattern ${JSON.stringify(pattern)} name ${JSON.stringify(name)}`);
        }
      }
    }
    assert.ok(plain > cases / 4, `${plain} plain patterns`);
  });

  it('WinCC OA FROM patterns: * within a level, **, ?, classes, nested braces, System: prefix', () => {
    const random = prng(0xc0a);
    let compared = 0;
    for (let i = 0; i < cases; i++) {
      const pattern = (random() < 0.1 ? 'System1:' : random() < 0.05 ? 'Sys2:' : '') + randomText(random, 'ab.*?[]!-{},', 9);
      let reference: ((element: string) => boolean) | undefined;
      try {
        reference = referenceFromPattern(pattern, 'System1');
      } catch {
        assert.throws(() => compileFromPattern(pattern, 'System1', defaultGlobLimits), QueryError, `pattern ${JSON.stringify(pattern)} is refused by both`);
        continue;
      }
      const matcher = compileFromPattern(pattern, 'System1', defaultGlobLimits);
      for (let j = 0; j < 8; j++) {
        const name = randomText(random, 'ab.-!', 7);
        assert.equal(matcher(name), reference(name), `pattern ${JSON.stringify(pattern)} name ${JSON.stringify(name)}`);
        compared++;
      }
    }
    assert.ok(compared > cases * 4, `${compared} comparisons`);
  });

  it('allowed endpoints: * only, case-insensitive scheme and host, trailing slashes, line breaks', () => {
    const random = prng(0xe9d);
    for (let i = 0; i < cases; i++) {
      const entry = `${random() < 0.8 ? 'opc.TCP://' : ''}${randomText(random, 'aB*?/.:', 8)}`;
      const reference = referenceEndpoints(entry);
      const allowed = AllowedEndpoints.parse(entry);
      for (let j = 0; j < 8; j++) {
        const url = `${random() < 0.8 ? 'OPC.tcp://' : ''}${randomText(random, 'Ab?/.:\n\u2028', 8)}`;
        assert.equal(allowed.allows(url), reference(url), `entry ${JSON.stringify(entry)} url ${JSON.stringify(url)}`);
      }
    }
  });
});

describe('glob matcher: flow patterns over the limits', () => {
  // 300 alternatives in 899 characters: within the length limit, over the alternatives limit.
  const huge = Array.from({ length: 300 }, () => 'a*').join(',');

  it('a hook filter is refused when the hook registers (ws-gateway-in reports it at start)', () => {
    const bus = new HookBus();
    assert.throws(() => bus.register({ events: ['MESSAGE'], mode: 'observe', filter: { topic: huge }, deliver: () => {} }), /more than 256 alternatives/);
    assert.equal(bus.size, 0);
  });

  it('a WinCC OA write-access line with such a pattern grants nothing and is reported; the table stays restricted', () => {
    const access = new WriteAccess(`demo = ${huge}\nop = ExampleDP_Arg*`);
    assert.equal(access.problems.length, 1);
    assert.match(access.problems[0], /^write access line with an unusable pattern \(more than 256 alternatives in a pattern\): demo = a\*,a\*/);
    assert.equal(access.allows('demo', ['ab']), false);
    assert.equal(access.allows('op', ['ExampleDP_Arg1']), true);
  });
});
