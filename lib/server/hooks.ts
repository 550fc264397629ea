import type { DialectMessage, SessionInfo } from '../dialects/contract';
import { compilePattern, type NameMatcher } from '../tags/tag-pattern';

export type HookEvent = 'CONNECT' | 'MESSAGE' | 'CLOSE' | 'ERROR';

/** observe: the flow sees the message and the dialect still answers; handle: the flow answers. */
export type HookMode = 'observe' | 'handle';

export interface HookFilter {
  /** Pattern on the message type (MessageType, cmd, Dp command). */
  type?: string;
  /** Pattern on the tag the message is about. */
  topic?: string;
  /** Pattern on the device type (EVOK). */
  device?: string;
}

export interface HookDelivery {
  hook: HookEvent;
  session: SessionInfo;
  /** MESSAGE: the decoded request; CLOSE: {code, reason}; CONNECT: {}; ERROR: {code, message}. */
  payload: unknown;
  message?: DialectMessage;
}

export interface HookRegistration {
  events: readonly HookEvent[];
  mode: HookMode;
  filter: HookFilter;
  deliver(delivery: HookDelivery): void;
}

interface CompiledHook {
  registration: HookRegistration;
  events: ReadonlySet<HookEvent>;
  type: NameMatcher;
  topic: NameMatcher;
  device: NameMatcher;
  filtersTopic: boolean;
  filtersDevice: boolean;
}

/** The ws-gateway-in nodes attached to one endpoint. */
export class HookBus {
  private readonly hooks = new Set<CompiledHook>();

  /** Registers a hook; returns the function that removes it. */
  register(registration: HookRegistration): () => void {
    const compiled: CompiledHook = {
      registration,
      events: new Set(registration.events),
      type: compilePattern(registration.filter.type),
      topic: compilePattern(registration.filter.topic),
      device: compilePattern(registration.filter.device),
      filtersTopic: (registration.filter.topic ?? '').trim().length > 0,
      filtersDevice: (registration.filter.device ?? '').trim().length > 0,
    };
    this.hooks.add(compiled);
    return () => { this.hooks.delete(compiled); };
  }

  get size(): number {
    return this.hooks.size;
  }

  /** Delivers to every matching hook; true when a hook in handle mode took a MESSAGE over. */
  dispatch(delivery: HookDelivery): boolean {
    let handled = false;
    for (const hook of [...this.hooks]) {
      if (!hook.events.has(delivery.hook) || !matches(hook, delivery.message)) continue;
      if (delivery.hook === 'MESSAGE' && hook.registration.mode === 'handle') handled = true;
      hook.registration.deliver(delivery);
    }
    return handled;
  }
}

function matches(hook: CompiledHook, message: DialectMessage | undefined): boolean {
  // Filters speak about messages; CONNECT and CLOSE have none and always pass.
  if (!message) return true;
  if (!hook.type(message.type)) return false;
  if (hook.filtersTopic && (message.topic === undefined || !hook.topic(message.topic))) return false;
  if (hook.filtersDevice && (message.deviceType === undefined || !hook.device(message.deviceType))) return false;
  return true;
}
