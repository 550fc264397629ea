/**
 * EVOK's frames are written by Python's `json.dumps`: `", "` and `": "` separators, floats always with
 * a decimal point (`4800.0`, `-0.0`) and non-ASCII escaped. Clients that print or string-compare
 * frames (the seed's examples do) see the same text from us. Numbers that are floats in EVOK are
 * wrapped in PyFloat; plain numbers are written as integers are.
 */
export class PyFloat {
  constructor(readonly value: number) {}
}

export function pyFloat(value: number): PyFloat {
  return new PyFloat(value);
}

export function pyJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof PyFloat) return floatText(value.value);
  switch (typeof value) {
    case 'boolean': return value ? 'true' : 'false';
    case 'number': return Number.isFinite(value) ? (Number.isInteger(value) ? String(value) : floatText(value)) : 'null';
    case 'string': return stringText(value);
    case 'object':
      if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`;
      return `{${Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).map(([k, v]) => `${stringText(k)}: ${pyJson(v)}`).join(', ')}}`;
    default: return 'null';
  }
}

function floatText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (Object.is(value, -0)) return '-0.0';
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return `${value}.0`;
  // JavaScript and Python both print the shortest text that reads back as the same double.
  return String(value).replace(/e([+-])(\d)$/, 'e$10$2');
}

function stringText(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
