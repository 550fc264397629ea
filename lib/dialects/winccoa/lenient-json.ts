/**
 * The JSON the original's Gson accepted in lenient mode and strict JSON.parse does not: single-quoted
 * strings, unquoted keys and words, Python's True/False/None. A Python script that sends `str(cmd)`
 * instead of `json.dumps(cmd)` worked against the original; with the server's lenient option it works
 * here too. Returns strict JSON text, or the input unchanged when it holds nothing lenient to rewrite
 * (JSON.parse then reports the error).
 */
export function toStrictJson(text: string): string {
  let out = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    if (char === '"' || char === "'") {
      const end = stringEnd(text, index);
      const body = text.slice(index + 1, end);
      out += char === '"' ? `"${body}"` : JSON.stringify(unescapeSingleQuoted(body));
      index = end + 1;
    } else if (/[0-9]/.test(char) || (char === '-' && /[0-9]/.test(text[index + 1] ?? ''))) {
      const number = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(index))?.[0] ?? char;
      out += number;
      index += number.length;
    } else if (/[A-Za-z_$]/.test(char)) {
      const word = /^[A-Za-z_$][A-Za-z0-9_$.-]*/.exec(text.slice(index))?.[0] ?? char;
      out += wordAsJson(word);
      index += word.length;
    } else {
      out += char;
      index++;
    }
  }
  return out;
}

function stringEnd(text: string, start: number): number {
  const quote = text[start];
  let index = start + 1;
  while (index < text.length && text[index] !== quote) index += text[index] === '\\' ? 2 : 1;
  return Math.min(index, text.length);
}

function unescapeSingleQuoted(body: string): string {
  return body.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_match, escape: string) => {
    if (escape.startsWith('u') && escape.length === 5) return String.fromCharCode(parseInt(escape.slice(1), 16));
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };
    return simple[escape] ?? escape;
  });
}

function wordAsJson(word: string): string {
  switch (word.toLowerCase()) {
    case 'true': return 'true';
    case 'false': return 'false';
    case 'null':
    case 'none': return 'null';
    default: return JSON.stringify(word);
  }
}
