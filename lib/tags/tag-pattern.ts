/**
 * Glob patterns for tag names, message types and device types: `*` matches any run of characters,
 * `?` one character, and commas separate alternatives (`line1/*,line2/speed`). An empty pattern
 * matches everything, because an empty filter field in the editor means "no filter".
 */
export type NameMatcher = (name: string) => boolean;

export function compilePattern(pattern: string | undefined): NameMatcher {
  const alternatives = (pattern ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  if (alternatives.length === 0) return () => true;
  const regexes = alternatives.map(globToRegExp);
  return (name) => regexes.some((regex) => regex.test(name));
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const char of glob) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}
