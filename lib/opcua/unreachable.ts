/**
 * The reason a server could not be reached, from node-opcua's connect error, or undefined when the
 * error is not about reaching it (a refused certificate or login). node-opcua words a failed TCP
 * connect as "The connection cannot be established with server … Err = (connect ECONNREFUSED 127.0.0.1:4841)";
 * the part in parentheses is what a user can act on.
 */
export function unreachableReason(message: string): string | undefined {
  if (!/connection cannot be established/i.test(message)) return undefined;
  const inner = /Err = \(([\s\S]*)\)\s*$/.exec(message)?.[1];
  return (inner ?? message).replace(/\s+/g, ' ').trim();
}
