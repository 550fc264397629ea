/**
 * ASNeG prints a GUID's first three groups in the host's (little-endian) byte order, i.e. byte-swapped
 * relative to the usual text form. Clients written against it store and compare that text, so the
 * gateway writes and reads the same spelling. The swap is its own inverse.
 */
export function swapGuidText(guid: string): string {
  const groups = guid.split('-');
  if (groups.length !== 5) return guid;
  const swap = (group: string): string => (group.match(/../g) ?? []).reverse().join('');
  return [swap(groups[0]), swap(groups[1]), swap(groups[2]), groups[3], groups[4]].join('-').toUpperCase();
}

export const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
