import type { TagValue } from '../../tags';
import { parseConfig, type ConfigRef } from './element-name';
import { compileGlob, PatternError, type GlobLimits, type GlobMatcher, type GlobSyntax } from '../../util/glob-matcher';
import { attributeOf, type JsonValue } from './values';

/**
 * The SQL subset of DpQueryConnect (docs/protocols/winccoa.md, 'DpQueryConnect'):
 * `SELECT '<attr>'[, '<attr>'] FROM '<pattern>' [WHERE <condition>]`, the condition made of
 * `_DPT = "Type"` and comparisons of a quoted attribute with a literal, joined by AND / OR / & / | and
 * parentheses. Everything else is refused, so a client learns at once that its query is not served.
 */
export interface ParsedQuery {
  attributes: ConfigRef[];
  /** Matches a canonical element name (without system). */
  matchesElement(element: string): boolean;
  where: Condition | undefined;
}

export interface QueryRow {
  dpType?: string;
  sample?: TagValue;
}

export type Condition = (row: QueryRow) => boolean;

export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

type Token =
  | { kind: 'string'; text: string }
  | { kind: 'number'; value: number }
  | { kind: 'word'; text: string }
  | { kind: 'symbol'; text: string };

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < query.length) {
    const char = query[index];
    if (/\s/.test(char)) {
      index++;
    } else if (char === "'" || char === '"') {
      const end = query.indexOf(char, index + 1);
      if (end < 0) throw new QueryError(`unterminated quote at position ${index}`);
      tokens.push({ kind: 'string', text: query.slice(index + 1, end) });
      index = end + 1;
    } else if (/[0-9]/.test(char) || (char === '-' && /[0-9]/.test(query[index + 1] ?? ''))) {
      const match = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(query.slice(index));
      const text = match?.[0] ?? char;
      tokens.push({ kind: 'number', value: Number(text) });
      index += text.length;
    } else if (/[A-Za-z_]/.test(char)) {
      const text = /^[A-Za-z_][A-Za-z0-9_]*/.exec(query.slice(index))?.[0] ?? char;
      tokens.push({ kind: 'word', text });
      index += text.length;
    } else {
      const two = query.slice(index, index + 2);
      const symbol = ['==', '!=', '<>', '<=', '>=', '&&', '||'].includes(two) ? two : char;
      if (!['==', '!=', '<>', '<=', '>=', '&&', '||', '=', '<', '>', '&', '|', '(', ')', ','].includes(symbol)) {
        throw new QueryError(`unexpected character ${JSON.stringify(char)} at position ${index}`);
      }
      tokens.push({ kind: 'symbol', text: symbol });
      index += symbol.length;
    }
  }
  return tokens;
}

/** Parentheses nest at most this deep in WHERE: the parser recurses per level and must not exhaust the stack. */
export const maxConditionDepth = 32;

class Parser {
  private position = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[], private readonly system: string, private readonly patternLimits: Readonly<GlobLimits>) {}

  query(): ParsedQuery {
    this.keyword('SELECT');
    const attributes = this.attributes();
    this.keyword('FROM');
    const from = this.next();
    if (from?.kind !== 'string') throw new QueryError('FROM needs a quoted pattern');
    let where: Condition | undefined;
    if (this.isKeyword('WHERE')) {
      this.position++;
      where = this.or();
    }
    if (this.position < this.tokens.length) throw new QueryError(`unexpected ${describe(this.tokens[this.position])}`);
    return { attributes, matchesElement: compileFromPattern(from.text, this.system, this.patternLimits), where };
  }

  private attributes(): ConfigRef[] {
    const attributes: ConfigRef[] = [];
    do {
      const token = this.next();
      if (token?.kind !== 'string') throw new QueryError('SELECT needs quoted attributes such as \'_online.._value\'');
      for (const part of token.text.split(',')) {
        const text = part.trim().replace(/^:/, '');
        const ref = parseConfig(text);
        if (!ref || ref.config === '_offline') throw new QueryError(`unsupported attribute ${JSON.stringify(text)} (use _online or _original with _value, _stime, _invalid or _status)`);
        attributes.push(ref);
      }
    } while (this.symbol(','));
    return attributes;
  }

  private or(): Condition {
    let left = this.and();
    while (this.symbol('||') || this.symbol('|') || this.wordIf('OR')) {
      const a = left;
      const b = this.and();
      left = (row) => a(row) || b(row);
    }
    return left;
  }

  private and(): Condition {
    let left = this.factor();
    while (this.symbol('&&') || this.symbol('&') || this.wordIf('AND')) {
      const a = left;
      const b = this.factor();
      left = (row) => a(row) && b(row);
    }
    return left;
  }

  private factor(): Condition {
    if (this.symbol('(')) {
      if (++this.depth > maxConditionDepth) throw new QueryError(`parentheses nested deeper than ${maxConditionDepth}`);
      const inner = this.or();
      if (!this.symbol(')')) throw new QueryError('missing )');
      this.depth--;
      return inner;
    }
    const left = this.next();
    const operator = this.next();
    const right = this.next();
    if (operator?.kind !== 'symbol' || !['=', '==', '!=', '<>', '<', '<=', '>', '>='].includes(operator.text)) {
      throw new QueryError(`expected a comparison after ${left ? describe(left) : 'WHERE'}`);
    }
    const literal = literalOf(right);
    if (left?.kind === 'word' && left.text.toUpperCase() === '_DPT') {
      if (typeof literal !== 'string' || !['=', '==', '!=', '<>'].includes(operator.text)) throw new QueryError('_DPT compares with = or != to a quoted type name');
      const equal = operator.text === '=' || operator.text === '==';
      return (row) => (row.dpType === literal) === equal;
    }
    if (left?.kind === 'string') {
      const ref = parseConfig(left.text.trim().replace(/^:/, ''));
      if (!ref || ref.config === '_offline') throw new QueryError(`unsupported attribute ${JSON.stringify(left.text)} in WHERE`);
      const op = operator.text;
      return (row) => row.sample !== undefined && compare(attributeOf(row.sample, ref.attribute), op, literal);
    }
    throw new QueryError(`unsupported condition on ${left ? describe(left) : 'nothing'} (only _DPT and quoted attributes)`);
  }

  private next(): Token | undefined {
    return this.tokens[this.position++];
  }

  private keyword(word: string): void {
    const token = this.next();
    if (token?.kind !== 'word' || token.text.toUpperCase() !== word) throw new QueryError(`expected ${word}`);
  }

  private isKeyword(word: string): boolean {
    const token = this.tokens[this.position];
    return token?.kind === 'word' && token.text.toUpperCase() === word;
  }

  private wordIf(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.position++;
    return true;
  }

  private symbol(text: string): boolean {
    const token = this.tokens[this.position];
    if (token?.kind !== 'symbol' || token.text !== text) return false;
    this.position++;
    return true;
  }
}

function literalOf(token: Token | undefined): string | number | boolean {
  if (token?.kind === 'string') return token.text;
  if (token?.kind === 'number') return token.value;
  if (token?.kind === 'word' && /^(true|false)$/i.test(token.text)) return token.text.toLowerCase() === 'true';
  throw new QueryError(`expected a literal, got ${token ? describe(token) : 'the end'}`);
}

function compare(value: JsonValue, operator: string, literal: string | number | boolean): boolean {
  if (typeof literal === 'boolean') {
    const truth = typeof value === 'boolean' ? value : typeof value === 'number' ? value !== 0 : undefined;
    if (truth === undefined) return false;
    return operator === '=' || operator === '==' ? truth === literal : operator === '!=' || operator === '<>' ? truth !== literal : false;
  }
  let left: number | string;
  if (typeof literal === 'number') {
    if (typeof value === 'boolean') left = value ? 1 : 0;
    else if (typeof value === 'number') left = value;
    else return false;
  } else {
    if (typeof value !== 'string') return false;
    left = value;
  }
  switch (operator) {
    case '=': case '==': return left === literal;
    case '!=': case '<>': return left !== literal;
    case '<': return left < literal;
    case '<=': return left <= literal;
    case '>': return left > literal;
    case '>=': return left >= literal;
    default: return false;
  }
}

function describe(token: Token): string {
  return token.kind === 'number' ? String(token.value) : token.kind === 'string' ? `'${token.text}'` : token.text;
}

/** WinCC OA's FROM globs: `*` and `?` stay within one level (between dots), `**` crosses levels. */
const fromSyntax: GlobSyntax = { separators: '.', globstar: true, questionMark: true, classes: true, braces: true };

/**
 * FROM patterns: `*` any characters within one level, `?` one character, `[a-z]` a class, `{a,b}`
 * alternatives, `**` any number of levels; an optional `System:` prefix (another system matches
 * nothing). A pattern without a dot names datapoints, so it covers every element of those (`'*'` is all).
 * A pattern over the glob limits (the endpoint's DialectLimits.patterns) is a QueryError, as any other
 * query the server does not serve.
 */
export function compileFromPattern(pattern: string, system: string | undefined, limits: Readonly<GlobLimits>): (element: string) => boolean {
  let text = pattern.trim();
  const colon = text.indexOf(':');
  if (colon >= 0) {
    const prefix = text.slice(0, colon);
    text = text.slice(colon + 1);
    if (system !== undefined && prefix !== system) return () => false;
  }
  let matcher: GlobMatcher;
  try {
    // The limit is on what the client wrote, not on the `.**` added for a bare datapoint pattern.
    const compileLimits = text.includes('.') ? limits : { ...limits, maxLength: limits.maxLength + 3 };
    if (text.length > limits.maxLength) throw new PatternError(`pattern of ${text.length} characters (at most ${limits.maxLength})`);
    matcher = compileGlob(text.includes('.') ? text : `${text}.**`, fromSyntax, compileLimits);
  } catch (error) {
    if (error instanceof PatternError) throw new QueryError(`FROM pattern: ${error.message}`);
    throw error;
  }
  return (element) => matcher.matches(element);
}

export function parseQuery(query: string, system: string, patternLimits: Readonly<GlobLimits>): ParsedQuery {
  return new Parser(tokenize(query), system, patternLimits).query();
}
