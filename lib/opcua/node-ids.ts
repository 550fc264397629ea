import { NodeId, resolveNodeId } from 'node-opcua';

/**
 * Parses a NodeId as the variable list writes it: `ns=2;s=Name`, `i=2258`, or with a namespace URI,
 * `nsu=urn:plant;s=Name`, which stays right when the server reorders its namespaces. A URI needs the
 * server's NamespaceArray; an unknown URI or a malformed id throws.
 */
export function parseNodeId(text: string, namespaces: readonly string[] = []): NodeId {
  const trimmed = text.trim();
  const withUri = /^nsu=([^;]+);(.*)$/s.exec(trimmed);
  if (withUri) {
    const index = namespaces.indexOf(withUri[1]);
    if (index < 0) throw new Error(`namespace ${withUri[1]} is not known to the server`);
    return resolveNodeId(`ns=${index};${withUri[2]}`);
  }
  return resolveNodeId(trimmed);
}

/** Whether a text is a syntactically valid NodeId (URIs are accepted without checking the server). */
export function isNodeIdText(text: string): boolean {
  try {
    const withUri = /^nsu=([^;]+);(.*)$/s.exec(text.trim());
    resolveNodeId(withUri ? `ns=1;${withUri[2]}` : text.trim());
    return true;
  } catch {
    return false;
  }
}
