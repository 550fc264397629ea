import { compileGlob, type GlobSyntax } from '../util/glob-matcher';

/**
 * Glob patterns for tag names, message types and device types: `*` matches any run of characters,
 * `?` one character, and commas separate alternatives (`line1/*,line2/speed`). An empty pattern
 * matches everything, because an empty filter field in the editor means "no filter". A pattern over
 * the limits of lib/util/glob-matcher throws PatternError.
 */
export type NameMatcher = (name: string) => boolean;

export const tagPatternSyntax: Readonly<GlobSyntax> = { questionMark: true, commaList: true };

export function compilePattern(pattern: string | undefined): NameMatcher {
  const matcher = compileGlob(pattern ?? '', tagPatternSyntax);
  return (name) => matcher.matches(name);
}
