import type { Prng } from './prng';

/** One frame as the fuzzer sends it. */
export interface FuzzFrame {
  data: string | Buffer;
  binary: boolean;
  /** The mutation applied, for the report of a failing frame. */
  how: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

function nested(depth: number, inner: Json, asObject: boolean): Json {
  let value = inner;
  for (let i = 0; i < depth; i++) value = asObject ? { a: value } : [value];
  return value;
}

/**
 * Nesting deeper than JSON.stringify can write (it recurses) is spliced in as text: the value holds a
 * marker string that `render` replaces.
 */
const DEEP = /"@@deep:(\d+):(array|object)@@"/g;

function deepMarker(depth: number, kind: 'array' | 'object'): string {
  return `@@deep:${depth}:${kind}@@`;
}

function render(value: Json): string {
  return JSON.stringify(value).replace(DEEP, (_all, depth: string, kind: string) => {
    const n = Number(depth);
    return kind === 'array' ? `${'['.repeat(n)}1${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
  });
}

/** Values of the wrong type, at the edges of their type, huge, tiny, nested or named like prototypes. */
function hostileValue(rng: Prng): { value: Json; how: string } {
  switch (rng.int(22)) {
    case 0: return { value: null, how: 'null' };
    case 1: return { value: rng.chance(0.5), how: 'boolean' };
    case 2: return { value: rng.pick([0, -1, -0, 1, 2 ** 31, 2 ** 32, 2 ** 53 + 2, -(2 ** 63), 1e308, -1e308, 5e-324]), how: 'edge number' };
    case 3: return { value: rng.pick(['', ' ', '0', '-1', 'NaN', 'Infinity', 'null', 'true', '1e999', '0x10']), how: 'number-like string' };
    case 4: return { value: 'x'.repeat(rng.pick([1_000, 65_536, 300_000])), how: 'huge string' };
    case 5: return { value: Array.from({ length: rng.pick([1_000, 20_000]) }, (_, i) => i), how: 'huge array' };
    case 6: return { value: [], how: 'empty array' };
    case 7: return { value: {}, how: 'empty object' };
    case 8: return { value: deepMarker(rng.pick([64, 1_000, 5_000, 20_000]), 'array'), how: 'deep array' };
    case 9: return { value: deepMarker(rng.pick([64, 1_000, 5_000, 20_000]), 'object'), how: 'deep object' };
    case 10: return { value: rng.pick(PROTOTYPE_NAMES), how: 'prototype name as value' };
    case 11: return { value: { ['__proto__']: { polluted: true }, constructor: { prototype: { polluted: true } } }, how: 'prototype keys' };
    case 12: return { value: '\u0000\u0001\ud800\udfff\uffff\u202e', how: 'control and surrogate characters' };
    case 13: return { value: Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i])), how: 'wide object' };
    case 14: return { value: rng.pick(['*', '**', '?', '[a-', '{a,b}', '*.*.*', 'System1:*', '.', '..', ':', '\\', '%', "'", '"']), how: 'pattern characters' };
    case 15: return { value: rng.pick(['2018-02-07T18:10:00.000', '9999-99-99', '1970-01-01T00:00:00Z', '-271821-04-20T00:00:00Z', 'yesterday']), how: 'time-like string' };
    case 16: return { value: rng.pick([-1, 0, 1e9, 2 ** 31 - 1]), how: 'count/timeout edge' };
    case 17: return { value: [null, true, 'a', 1, {}, []], how: 'mixed array' };
    case 18: return { value: 'é😀'.repeat(rng.pick([10, 10_000])), how: 'multibyte string' };
    case 19: return { value: rng.int(1_000_000), how: 'random int' };
    case 20: return { value: rng.next() * 1e6 - 5e5, how: 'random float' };
    default: return { value: `s${rng.int(1000)}`, how: 'random string' };
  }
}

interface Slot {
  get(): Json;
  set(value: Json): void;
  remove(): void;
  rename(key: string): void;
  path: string;
}

/** Every field of a JSON value, at any depth, as replaceable slots. */
function slots(root: Json): Slot[] {
  const found: Slot[] = [];
  const walk = (value: Json, path: string, depth = 0): void => {
    // Wrapped values nest up to 100 levels; their inner fields need not all be slots.
    if (depth > 12) return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        found.push({
          path: `${path}[${index}]`,
          get: () => value[index],
          set: (v) => { value[index] = v; },
          remove: () => { value.splice(index, 1); },
          rename: () => { value.splice(index, 0, value[index]); },
        });
        walk(item, `${path}[${index}]`, depth + 1);
      });
    } else if (value !== null && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        found.push({
          path: `${path}.${key}`,
          get: () => value[key],
          set: (v) => { value[key] = v; },
          remove: () => { delete value[key]; },
          rename: (to) => {
            const moved = value[key];
            delete value[key];
            Object.defineProperty(value, to, { value: moved, enumerable: true, writable: true, configurable: true });
          },
        });
        walk(value[key], `${path}.${key}`, depth + 1);
      }
    }
  };
  walk(root, '$');
  return found;
}

function badUtf8(text: string, rng: Prng): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const at = rng.int(bytes.length + 1);
  const bad = rng.pick([Buffer.from([0xff]), Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf0, 0x9f, 0x98])]);
  return Buffer.concat([bytes.subarray(0, at), bad, bytes.subarray(at)]);
}

/**
 * A mutation of one valid request: field-level (wrong types, huge and tiny values, deep nesting,
 * prototype names, removed and renamed fields) or frame-level (truncated, bad UTF-8, binary, not JSON).
 * `valid` is a valid frame of the dialect as a JSON value (or a plain string for text protocols).
 */
export function mutate(valid: Json, rng: Prng): FuzzFrame {
  const text = typeof valid === 'string' ? valid : JSON.stringify(valid);
  const roll = rng.next();
  if (roll < 0.04) return { data: text.slice(0, rng.int(text.length)), binary: false, how: 'truncated' };
  if (roll < 0.06) return { data: badUtf8(text, rng), binary: false, how: 'bad UTF-8 in a text frame' };
  if (roll < 0.09) return { data: Buffer.from(text, 'utf8'), binary: true, how: 'valid request as a binary frame' };
  if (roll < 0.10) return { data: Buffer.from(Array.from({ length: rng.int(64) }, () => rng.int(256))), binary: true, how: 'random binary frame' };
  if (roll < 0.12) return { data: rng.pick(['', ' ', 'null', '0', '[]', '{}', '"x"', 'true', '{"', '[[[[', '}{', 'undefined']), binary: false, how: 'not a request' };
  if (roll < 0.13) return { data: `${text}${text}`, binary: false, how: 'two requests in one frame' };
  if (roll < 0.14) return { data: text.replace(/^\{/, '{"__proto__":{"polluted":true},'), binary: false, how: '__proto__ key in the text' };
  if (typeof valid === 'string') return { data: hostileString(rng), binary: false, how: 'hostile text' };

  const copy = JSON.parse(text) as Json;
  const hows: string[] = [];
  const count = 1 + rng.int(3);
  for (let i = 0; i < count; i++) {
    const all = slots(copy);
    if (all.length === 0) break;
    const slot = rng.pick(all);
    const what = rng.next();
    if (what < 0.65) {
      const { value, how } = hostileValue(rng);
      slot.set(value);
      hows.push(`${slot.path}=${how}`);
    } else if (what < 0.8) {
      slot.remove();
      hows.push(`${slot.path} removed`);
    } else if (what < 0.92) {
      const name = rng.pick(PROTOTYPE_NAMES);
      slot.rename(name);
      hows.push(`${slot.path} renamed ${name}`);
    } else {
      slot.set(nested(rng.pick([2, 10, 100]), slot.get(), rng.chance(0.5)));
      hows.push(`${slot.path} wrapped`);
    }
  }
  return { data: render(copy), binary: false, how: hows.join('; ') };
}

function hostileString(rng: Prng): string {
  const { value } = hostileValue(rng);
  return typeof value === 'string' && !value.startsWith('@@deep:') ? value : render(value);
}

export type { Json };
