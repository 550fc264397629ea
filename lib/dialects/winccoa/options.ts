import type { DialectContext } from '../contract';
import { parseMapping, type MappingEntry } from './datapoints';
import type { TimeZoneMode } from './time-format';
import { WriteAccess } from './write-access';

/** The ws-gateway-server fields of the winccoa dialect (docs/protocols/winccoa.md, 'Options'). */
export interface WinccoaOptions {
  /** System name of every element, `System1` unless set. */
  system: string;
  mapping: MappingEntry[];
  writeAccess: WriteAccess;
  /** Send `{"Connection":{"Code":0,...}}` first, as the server of 2018-02-14 on did. */
  greeting: boolean;
  /** Answer DpSet with the README's `Response {Code, Id, Message}` instead of `DpSetResult`. */
  legacySetReply: boolean;
  /** Ts 1 = date strings and Ts 2 = ms, as the shipped binary did (the README says the opposite). */
  swapTs: boolean;
  timeZone: TimeZoneMode;
  /** Read single-quoted strings, unquoted keys and Python literals, as the original's Gson did. */
  lenientJson: boolean;
  /** Lines of the tables that could not be used, for the log. */
  problems: string[];
}

export function readOptions(options: DialectContext['options']): WinccoaOptions {
  const text = (name: string): string => (typeof options[name] === 'string' ? (options[name] as string) : '');
  const flag = (name: string): boolean => options[name] === true || options[name] === 'true';
  const system = text('winccoaSystem').trim();
  const mapping = parseMapping(text('winccoaMapping'));
  const writeAccess = new WriteAccess(text('winccoaWriteAccess'));
  return {
    system: /^[A-Za-z0-9_]+$/.test(system) ? system : 'System1',
    mapping: mapping.entries,
    writeAccess,
    greeting: flag('winccoaGreeting'),
    legacySetReply: flag('winccoaLegacySetReply'),
    swapTs: flag('winccoaSwapTs'),
    timeZone: text('winccoaTimeZone') === 'utc' ? 'utc' : 'local',
    lenientJson: flag('winccoaLenientJson'),
    problems: [...mapping.problems, ...writeAccess.problems],
  };
}
