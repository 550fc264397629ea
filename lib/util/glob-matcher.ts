/**
 * One glob matcher for every pattern a client or a flow writes (tag patterns, hook filters, WinCC OA
 * FROM patterns, allowed OPC UA endpoints). Patterns used to become RegExps; a client could then send
 * a pattern whose RegExp exhausts V8's compiler (thousands of nested `{a,`) or stalls the event loop.
 * Here a pattern is parsed once, within fixed limits, into a small program that is matched by
 * simulating all its states at once (Thompson / Pike): the work of one match is at most
 * (program size) x (name length + 1) state visits, whatever the pattern, and nothing backtracks.
 */

/** Which glob features a flavour has. Everything else in a pattern is a literal character. */
export interface GlobSyntax {
  /** Characters `*` and `?` do not match (WinCC OA's level separator `.`). Default: none. */
  separators?: string;
  /** `**` matches any run of characters, separators included (WinCC OA). Otherwise `**` is two `*`. */
  globstar?: boolean;
  /** `?` matches one character. Otherwise it is a literal `?` (URLs). */
  questionMark?: boolean;
  /** `[a-z]`, `[!a]` / `[^a]` character classes. */
  classes?: boolean;
  /** `{a,b}` alternatives, nestable. A `}` or `,` outside braces is a literal. */
  braces?: boolean;
  /** Top-level commas separate alternatives, each trimmed, empty ones dropped (tag patterns, filters). */
  commaList?: boolean;
}

/** Bounds a pattern must keep; checked while parsing, before any matching. */
export interface GlobLimits {
  /** Characters (UTF-16 code units) of the whole pattern text. */
  maxLength: number;
  /** Alternatives in the whole pattern: every `{}` option and every top-level comma-separated part. */
  maxAlternatives: number;
  /** Nesting depth of `{}`. */
  maxDepth: number;
  /** Characters and ranges in one `[...]` class. */
  maxClassSize: number;
}

export const defaultGlobLimits: Readonly<GlobLimits> = { maxLength: 1024, maxAlternatives: 256, maxDepth: 8, maxClassSize: 64 };

/** A pattern that breaks a limit or its own grammar; each protocol turns it into its own error. */
export class PatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatternError';
  }
}

export interface GlobMatcher {
  matches(name: string): boolean;
  /** Instructions of the compiled program (a match visits at most this many states per character). */
  readonly size: number;
}

/** Counts state visits of matches, to prove in tests that the work is bounded. */
export interface MatchCounter {
  steps: number;
}

type Node =
  | { kind: 'char'; code: number }
  | { kind: 'any' }
  | { kind: 'star'; crossesSeparators: boolean }
  | { kind: 'class'; ranges: Array<[number, number]>; negated: boolean }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; options: Node[] };

type Instruction =
  | { op: 'char'; code: number }
  | { op: 'any' }
  | { op: 'anyButSeparator' }
  | { op: 'class'; ranges: Array<[number, number]>; negated: boolean }
  | { op: 'split'; to: number[] }
  | { op: 'jump'; to: number }
  | { op: 'match' };

const matchAll: GlobMatcher = { matches: () => true, size: 0 };

/**
 * Compiles a pattern. An empty comma list (nothing but commas and blanks) matches everything, as an
 * empty filter field means "no filter". Throws PatternError when the pattern breaks a limit.
 */
export function compileGlob(pattern: string, syntax: GlobSyntax = {}, limits: GlobLimits = defaultGlobLimits, counter?: MatchCounter): GlobMatcher {
  if (pattern.length > limits.maxLength) throw new PatternError(`pattern of ${pattern.length} characters (at most ${limits.maxLength})`);
  const parser = new GlobParser(syntax, limits);
  let tree: Node;
  if (syntax.commaList) {
    const parts = pattern.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
    if (parts.length === 0) return matchAll;
    parser.countAlternatives(parts.length);
    tree = { kind: 'alt', options: parts.map((part) => parser.parse(part)) };
  } else {
    tree = parser.parse(pattern);
  }
  const program = new Program(new ProgramBuilder(syntax.separators ?? '').build(tree), syntax.separators ?? '');
  // Most filters are plain names (a hook on one message type): compared as strings, not run as a
  // program, since a hook filter is matched against every message. Counted matches always run it.
  const names = counter ? undefined : literalNames(tree);
  if (names?.length === 1) {
    const only = names[0];
    return { matches: (name) => name === only, size: program.size };
  }
  if (names) {
    const set = new Set(names);
    return { matches: (name) => set.has(name), size: program.size };
  }
  return { matches: (name) => program.run(name, counter), size: program.size };
}

/** The names a pattern without any wildcard matches (its alternatives), or undefined when it has one. */
function literalNames(tree: Node): string[] | undefined {
  if (tree.kind === 'alt') {
    const names: string[] = [];
    for (const option of tree.options) {
      const optionNames = literalNames(option);
      if (!optionNames) return undefined;
      names.push(...optionNames);
    }
    return names;
  }
  if (tree.kind !== 'seq') return tree.kind === 'char' ? [String.fromCharCode(tree.code)] : undefined;
  let text = '';
  for (const item of tree.items) {
    if (item.kind !== 'char') return undefined;
    text += String.fromCharCode(item.code);
  }
  return [text];
}

class GlobParser {
  private text = '';
  private index = 0;
  private alternatives = 0;

  constructor(private readonly syntax: GlobSyntax, private readonly limits: GlobLimits) {}

  countAlternatives(count: number): void {
    this.alternatives += count;
    if (this.alternatives > this.limits.maxAlternatives) throw new PatternError(`more than ${this.limits.maxAlternatives} alternatives in a pattern`);
  }

  parse(text: string): Node {
    this.text = text;
    this.index = 0;
    return this.sequence(0);
  }

  /** Items up to the end, or up to the `,` / `}` that ends an alternative inside braces. */
  private sequence(depth: number): Node {
    const items: Node[] = [];
    const text = this.text;
    while (this.index < text.length) {
      const char = text[this.index];
      if (depth > 0 && (char === ',' || char === '}')) break;
      if (char === '*') {
        const globstar = this.syntax.globstar === true && text[this.index + 1] === '*';
        this.index += globstar ? 2 : 1;
        items.push({ kind: 'star', crossesSeparators: globstar });
      } else if (char === '?' && this.syntax.questionMark) {
        this.index++;
        items.push({ kind: 'any' });
      } else if (char === '[' && this.syntax.classes) {
        items.push(this.characterClass());
      } else if (char === '{' && this.syntax.braces) {
        items.push(this.group(depth + 1));
      } else {
        this.index++;
        items.push({ kind: 'char', code: char.charCodeAt(0) });
      }
    }
    return { kind: 'seq', items };
  }

  private group(depth: number): Node {
    if (depth > this.limits.maxDepth) throw new PatternError(`{} nested deeper than ${this.limits.maxDepth}`);
    const start = this.index;
    this.index++;
    const options: Node[] = [];
    for (;;) {
      this.countAlternatives(1);
      options.push(this.sequence(depth));
      const char = this.text[this.index];
      if (char === ',') {
        this.index++;
      } else if (char === '}') {
        this.index++;
        return { kind: 'alt', options };
      } else {
        throw new PatternError(`unterminated { at position ${start}`);
      }
    }
  }

  /** `[body]` up to the first `]`; a leading `!` or `^` negates, `a-z` is a range, all else literal. */
  private characterClass(): Node {
    const start = this.index;
    const end = this.text.indexOf(']', start + 1);
    if (end < 0) throw new PatternError(`unterminated [ at position ${start}`);
    let body = this.text.slice(start + 1, end);
    this.index = end + 1;
    const negated = body.startsWith('!') || body.startsWith('^');
    if (negated) body = body.slice(1);
    const ranges: Array<[number, number]> = [];
    for (let i = 0; i < body.length;) {
      const low = body.charCodeAt(i);
      if (body[i + 1] === '-' && i + 2 < body.length) {
        const high = body.charCodeAt(i + 2);
        if (high < low) throw new PatternError(`range out of order in [${body}]`);
        ranges.push([low, high]);
        i += 3;
      } else {
        ranges.push([low, low]);
        i++;
      }
      if (ranges.length > this.limits.maxClassSize) throw new PatternError(`class [...] with more than ${this.limits.maxClassSize} characters or ranges`);
    }
    return { kind: 'class', ranges, negated };
  }
}

/** Lays the tree out as instructions; `split` and `jump` are the only moves that consume nothing. */
class ProgramBuilder {
  private readonly program: Instruction[] = [];

  constructor(private readonly separators: string) {}

  build(tree: Node): Instruction[] {
    this.emit(tree);
    this.program.push({ op: 'match' });
    return this.program;
  }

  private emit(node: Node): void {
    const program = this.program;
    switch (node.kind) {
      case 'char':
        program.push({ op: 'char', code: node.code });
        return;
      case 'any':
        program.push({ op: this.separators.length > 0 ? 'anyButSeparator' : 'any' });
        return;
      case 'class':
        program.push({ op: 'class', ranges: node.ranges, negated: node.negated });
        return;
      case 'star': {
        // loop: split(body, out); body: any; jump loop; out:
        const loop = program.length;
        const split: Instruction = { op: 'split', to: [loop + 1, loop + 3] };
        program.push(split);
        program.push({ op: node.crossesSeparators || this.separators.length === 0 ? 'any' : 'anyButSeparator' });
        program.push({ op: 'jump', to: loop });
        return;
      }
      case 'seq':
        for (const item of node.items) this.emit(item);
        return;
      case 'alt': {
        const split: { op: 'split'; to: number[] } = { op: 'split', to: [] };
        program.push(split);
        const jumps: Array<{ op: 'jump'; to: number }> = [];
        for (const option of node.options) {
          split.to.push(program.length);
          this.emit(option);
          const jump = { op: 'jump' as const, to: -1 };
          jumps.push(jump);
          program.push(jump);
        }
        for (const jump of jumps) jump.to = program.length;
      }
    }
  }
}

const CHAR = 0;
const ANY = 1;
const ANY_BUT_SEPARATOR = 2;
const CLASS = 3;
const SPLIT = 4;
const JUMP = 5;
const MATCH = 6;

/**
 * The instructions in flat typed arrays, with the buffers of a run allocated once: matching is on the
 * hot path of tag lists and query subscriptions. Runs the program over a name with a set of live states:
 * each character advances every live state once, and each state enters the next set at most once
 * (marked with the generation of the position it was added at).
 */
class Program {
  readonly size: number;
  private readonly ops: Uint8Array;
  private readonly args: Int32Array;
  private readonly counts: Int32Array;
  private readonly targets: Int32Array;
  private readonly classes: Array<{ ranges: Int32Array; negated: boolean }> = [];
  private readonly separators: Int32Array;
  private readonly mark: Int32Array;
  private current: Int32Array;
  private next: Int32Array;
  private readonly stack: Int32Array;
  private generation = 0;
  /** State visits of the current run. */
  private steps = 0;

  constructor(instructions: Instruction[], separators: string) {
    const size = instructions.length;
    this.size = size;
    this.ops = new Uint8Array(size);
    this.args = new Int32Array(size);
    this.counts = new Int32Array(size);
    const targets: number[] = [];
    instructions.forEach((instruction, pc) => {
      switch (instruction.op) {
        case 'char': this.ops[pc] = CHAR; this.args[pc] = instruction.code; break;
        case 'any': this.ops[pc] = ANY; break;
        case 'anyButSeparator': this.ops[pc] = ANY_BUT_SEPARATOR; break;
        case 'class':
          this.ops[pc] = CLASS;
          this.args[pc] = this.classes.length;
          this.classes.push({ ranges: Int32Array.from(instruction.ranges.flat()), negated: instruction.negated });
          break;
        case 'split':
          this.ops[pc] = SPLIT;
          this.args[pc] = targets.length;
          this.counts[pc] = instruction.to.length;
          targets.push(...instruction.to);
          break;
        case 'jump': this.ops[pc] = JUMP; this.args[pc] = instruction.to; break;
        case 'match': this.ops[pc] = MATCH; break;
      }
    });
    this.targets = Int32Array.from(targets);
    this.separators = Int32Array.from(separators, (char) => char.charCodeAt(0));
    this.mark = new Int32Array(size).fill(-1);
    this.current = new Int32Array(size);
    this.next = new Int32Array(size);
    // Every state is entered once per position and pushes its successors: at most 1 + all edges.
    this.stack = new Int32Array(size + targets.length + 1);
  }

  run(name: string, counter: MatchCounter | undefined): boolean {
    if (this.generation > 0x3fff_0000 - name.length) {
      this.mark.fill(-1);
      this.generation = 0;
    }
    this.steps = 0;
    let live = this.add(this.current, 0, 0, this.generation++);
    for (let position = 0; position < name.length && live > 0; position++) {
      const code = name.charCodeAt(position);
      const generation = this.generation++;
      let nextCount = 0;
      for (let i = 0; i < live; i++) {
        const pc = this.current[i];
        this.steps++;
        if (this.accepts(pc, code)) nextCount = this.add(this.next, nextCount, pc + 1, generation);
      }
      [this.current, this.next] = [this.next, this.current];
      live = nextCount;
    }
    if (counter) counter.steps += this.steps;
    // Only a state that reached MATCH after the last character matches the whole name.
    for (let i = 0; i < live; i++) if (this.ops[this.current[i]] === MATCH) return true;
    return false;
  }

  /** Adds a state and everything it reaches without a character (jumps, splits) to a list. */
  private add(list: Int32Array, count: number, start: number, generation: number): number {
    const { ops, args, counts, targets, mark, stack } = this;
    let top = 0;
    stack[top++] = start;
    while (top > 0) {
      const pc = stack[--top];
      if (mark[pc] === generation) continue;
      mark[pc] = generation;
      this.steps++;
      const op = ops[pc];
      if (op === JUMP) {
        stack[top++] = args[pc];
      } else if (op === SPLIT) {
        for (let i = args[pc] + counts[pc] - 1; i >= args[pc]; i--) stack[top++] = targets[i];
      } else {
        list[count++] = pc;
      }
    }
    return count;
  }

  private accepts(pc: number, code: number): boolean {
    switch (this.ops[pc]) {
      case CHAR: return this.args[pc] === code;
      case ANY: return true;
      case ANY_BUT_SEPARATOR: return !this.separators.includes(code);
      case CLASS: {
        const { ranges, negated } = this.classes[this.args[pc]];
        let inside = false;
        for (let i = 0; i < ranges.length; i += 2) {
          if (code >= ranges[i] && code <= ranges[i + 1]) {
            inside = true;
            break;
          }
        }
        return inside !== negated;
      }
      default: return false;
    }
  }
}
