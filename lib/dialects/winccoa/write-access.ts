import { compilePattern, type NameMatcher } from '../../tags';
import { PatternError } from '../../util/glob-matcher';

/**
 * Who may write which tags: the server's `winccoaWriteAccess`, one `user = tag pattern` per line (glob
 * patterns of the tag space, commas for alternatives; `*` as the user means everyone). An empty table lets
 * every authenticated user write every writable tag; once it has a line, writes not granted are refused.
 */
export class WriteAccess {
  private readonly grants: Array<{ user: string; matches: NameMatcher }> = [];
  readonly problems: string[] = [];

  constructor(text: string | undefined) {
    for (const line of (text ?? '').split(/\r?\n/)) {
      const trimmed = line.trim();
      if (trimmed.length === 0 || trimmed.startsWith('#')) continue;
      const equals = trimmed.indexOf('=');
      const user = equals > 0 ? trimmed.slice(0, equals).trim() : '';
      const pattern = equals > 0 ? trimmed.slice(equals + 1).trim() : '';
      if (user.length === 0 || pattern.length === 0) {
        this.problems.push(`write access line without "user = pattern": ${trimmed}`);
        continue;
      }
      try {
        this.grants.push({ user, matches: compilePattern(pattern) });
      } catch (error) {
        // The line grants nothing; the table stays restricted, so no write slips through it.
        if (!(error instanceof PatternError)) throw error;
        this.problems.push(`write access line with an unusable pattern (${error.message}): ${trimmed.slice(0, 80)}`);
      }
    }
  }

  get restricted(): boolean {
    return this.grants.length > 0 || this.problems.length > 0;
  }

  /** `names`: the tag name and the element name; a grant on either allows the write. */
  allows(user: string | undefined, names: readonly string[]): boolean {
    if (!this.restricted) return true;
    return this.grants.some((grant) => (grant.user === '*' || grant.user === user) && names.some((name) => grant.matches(name)));
  }
}
