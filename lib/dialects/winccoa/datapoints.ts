import type { TagInfo, TagSpace } from '../../tags';
import { canonicalElement } from './element-name';

/** One line of the server's `winccoaMapping`: `tag = datapoint.element [: DPT]`. */
export interface MappingEntry {
  tag: string;
  element: string;
  dpType?: string;
}

export interface ParsedMapping {
  entries: MappingEntry[];
  /** Lines that could not be used, for the log. */
  problems: string[];
}

/**
 * Parses the mapping table. The split is at the last `=`, because tag names may hold one (OPC UA NodeIds
 * such as `ns=2;s=Pump.Speed`) and element names never do.
 */
export function parseMapping(text: string | undefined): ParsedMapping {
  const entries: MappingEntry[] = [];
  const problems: string[] = [];
  for (const line of (text ?? '').split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed.length === 0 || trimmed.startsWith('#')) continue;
    const equals = trimmed.lastIndexOf('=');
    if (equals <= 0) {
      problems.push(`mapping line without "tag = element": ${trimmed}`);
      continue;
    }
    const tag = trimmed.slice(0, equals).trim();
    const [elementText, dpTypeText] = trimmed.slice(equals + 1).split(':', 2).map((part) => part.trim());
    const element = canonicalElement(elementText ?? '');
    if (tag.length === 0 || element === undefined) {
      problems.push(`mapping line with an invalid element name: ${trimmed}`);
      continue;
    }
    entries.push({ tag, element, dpType: dpTypeText ? dpTypeText : undefined });
  }
  return { entries, problems };
}

/** A tag as a datapoint element. */
export interface DatapointElement {
  tag: string;
  element: string;
  dpType?: string;
  info: TagInfo;
}

/**
 * Which tag stands behind which element. A tag whose name already is an element name (`Line1_Speed`,
 * `pump_00001.value.speed`) is that element (a name without dots is a single-leaf datapoint, `Line1_Speed.`);
 * the mapping table renames the others (and may rename any tag). A mapped tag is visible only under its
 * mapped name; an unmapped tag whose name does not fit datapoint syntax is not visible at all.
 */
export class Datapoints {
  private readonly byTag = new Map<string, MappingEntry>();
  private readonly byElement = new Map<string, MappingEntry>();

  constructor(private readonly tags: TagSpace, mapping: readonly MappingEntry[]) {
    for (const entry of mapping) {
      // First line wins, so a repeated line cannot silently re-point an element.
      if (this.byTag.has(entry.tag) || this.byElement.has(entry.element)) continue;
      this.byTag.set(entry.tag, entry);
      this.byElement.set(entry.element, entry);
    }
  }

  elementOf(tag: string): string | undefined {
    const mapped = this.byTag.get(tag);
    if (mapped) return mapped.element;
    const element = canonicalElement(tag);
    // A mapped element name is taken: an unmapped tag of the same name stays hidden behind it.
    return element !== undefined && !this.byElement.has(element) ? element : undefined;
  }

  /** The existing tag behind a canonical element, if any. */
  tagOf(element: string): string | undefined {
    const mapped = this.byElement.get(element);
    if (mapped) return this.tags.has(mapped.tag) ? mapped.tag : undefined;
    const candidates = element.endsWith('.') ? [element.slice(0, -1), element] : [element];
    return candidates.find((tag) => !this.byTag.has(tag) && this.tags.has(tag));
  }

  dpTypeOf(info: TagInfo): string | undefined {
    return this.byTag.get(info.name)?.dpType ?? info.dpType;
  }

  /** Every visible element, for queries. */
  list(): DatapointElement[] {
    const elements: DatapointElement[] = [];
    for (const info of this.tags.list()) {
      const element = this.elementOf(info.name);
      if (element !== undefined) elements.push({ tag: info.name, element, dpType: this.dpTypeOf(info), info });
    }
    return elements;
  }
}
