import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { compilePattern, TagError, type NameMatcher, type TagSpace, type TagSubscription, type TagValue } from '../tags';
import { valueProblem } from '../tags/value-size';
import { messageOf } from '../util/errors';
import { defaultBridgeOptions, isBrokerUrl, type MqttBridgeOptions } from './bridge-options';
import {
  parseHistoryRequest, parseInstanceMessage, parseReply, parseTagMessage, parseWriteRequest, tagMessage,
  type InstanceMessage, type Reply,
} from './payload';
import { RemoteTagSource } from './remote-tag-source';
import { checkInstanceId, normalisePrefix, Topics } from './topics';
import { WriteDedupe } from './write-dedupe';

/** How long `close` waits for the broker to take the `offline` state before it drops the connection anyway. */
const CLOSE_GRACE_MS = 1000;

/** Ids of the import sources of every bridge in this process: their tags are never published again (no echo loops). */
const remoteSourceIds = new Set<string>();

export interface BridgeLog {
  info(text: string): void;
  warn(text: string): void;
}

export interface BridgeState {
  connected: boolean;
  detail: string;
}

interface PendingRequest {
  settle(reply: Reply | undefined): void;
}

type Settled = Required<Omit<MqttBridgeOptions, 'username' | 'password' | 'ca' | 'cert' | 'key' | 'sourceId'>> & Pick<MqttBridgeOptions, 'username' | 'password' | 'ca' | 'cert' | 'key'>;

/**
 * One instance's link to the shared namespace on an MQTT broker. It publishes the tags this instance
 * owns (retained, `<prefix>/<tag>`), imports what other instances publish as a source of the local tag
 * space, carries writes and history requests to a tag's owner and answers those sent to it.
 * Emits `state` (BridgeState) when the broker connection comes or goes.
 */
export class MqttBridge extends EventEmitter {
  readonly source: RemoteTagSource;
  readonly topics: Topics;
  private readonly options: Settled;
  private readonly publishes: NameMatcher;
  private readonly imports: NameMatcher;
  private readonly remotelyWritable: NameMatcher;
  private readonly dedupe: WriteDedupe;
  private readonly pending = new Map<string, PendingRequest>();
  /** The latest sample of every tag published, republished after a reconnect (the broker may have lost it). */
  private readonly published = new Map<string, Buffer>();
  private client: MqttClient | undefined;
  private publishing: TagSubscription | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private connectedNow = false;
  private lastError = '';
  private closed = false;

  constructor(private readonly space: TagSpace, options: MqttBridgeOptions, private readonly log: BridgeLog = { info: () => {}, warn: () => {} }) {
    super();
    if (!isBrokerUrl(options.url)) throw new Error(`the broker URL must start with mqtt://, mqtts://, ws:// or wss://: ${options.url}`);
    const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined && value !== ''));
    this.options = { ...defaultBridgeOptions, ...defined } as Settled;
    this.topics = new Topics(normalisePrefix(options.prefix), checkInstanceId(options.clientId));
    // Patterns are checked against the package's bounds here, so a bad one fails the node, not a message later.
    this.publishes = compilePattern(this.options.publish);
    this.imports = compilePattern(this.options.import);
    this.remotelyWritable = compilePattern(this.options.remoteWrites);
    this.dedupe = new WriteDedupe(this.options.dedupeTtlMs, this.options.dedupeMaxEntries);
    this.source = new RemoteTagSource(options.sourceId ?? `mqtt:${options.clientId}`, {
      write: (owner, name, value, timestamp) => this.remoteWrite(owner, name, value, timestamp),
      history: (owner, name, from, to, max) => this.remoteHistory(owner, name, from, to, max),
      localHistory: (name, from, to, max) => this.space.ringHistory(name, from, to, max),
    });
  }

  get instance(): string {
    return this.topics.instance;
  }

  get connected(): boolean {
    return this.connectedNow;
  }

  /** Adds the import source to the tag space and connects; reconnects on its own until `close`. */
  start(): void {
    if (this.client || this.closed) return;
    remoteSourceIds.add(this.source.id);
    if (this.importing) this.space.addSource(this.source);
    const client = connect(this.options.url, this.clientOptions());
    this.client = client;
    client.on('connect', () => this.onConnect(client));
    client.on('close', () => this.onDisconnect('connection closed'));
    client.on('offline', () => this.onDisconnect('broker unreachable'));
    client.on('error', (error) => {
      // Said once per distinct problem (a refused login repeats on every reconnect attempt).
      const detail = messageOf(error);
      if (detail !== this.lastError) this.log.warn(`MQTT ${this.options.url}: ${detail}`);
      this.lastError = detail;
      this.onDisconnect(detail);
    });
    client.on('message', (topic, payload, packet) => this.onMessage(topic, payload, packet));
    if (this.publishingOn) {
      this.publishing = this.space.subscribePattern((name) => this.isPublished(name), (name, value) => this.publishTag(name, value));
      for (const info of this.space.list()) {
        const latest = this.isPublished(info.name) ? this.space.peek(info.name) : undefined;
        if (latest) this.publishTag(info.name, latest);
      }
      this.reconcileTimer = setInterval(() => this.reconcile(), this.options.reconcileIntervalMs);
      this.reconcileTimer.unref();
    }
  }

  /** Says `offline` on the state topic, ends the connection and takes the import source out of the space. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.publishing?.close();
    this.publishing = undefined;
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    for (const request of [...this.pending.values()]) request.settle(undefined);
    const client = this.client;
    this.client = undefined;
    if (client) {
      if (client.connected) {
        // Bounded: a broker that dies at the same moment never acknowledges, and a redeploy must not hang.
        await new Promise<void>((done) => {
          const timer = setTimeout(done, CLOSE_GRACE_MS);
          client.publish(this.topics.instanceState(), JSON.stringify({ state: 'offline', timestamp: Date.now() } satisfies InstanceMessage), { qos: 1, retain: true }, () => {
            clearTimeout(timer);
            done();
          });
        });
      }
      await new Promise<void>((done) => { client.end(true, {}, () => done()); });
      client.removeAllListeners();
      // A closed client may still report late errors; keep one listener so they are not thrown.
      client.on('error', () => {});
    }
    this.connectedNow = false;
    this.space.removeSource(this.source.id);
    remoteSourceIds.delete(this.source.id);
  }

  private get importing(): boolean {
    return this.options.direction !== 'publish';
  }

  private get publishingOn(): boolean {
    return this.options.direction !== 'import';
  }

  private clientOptions(): IClientOptions {
    const options: IClientOptions = {
      clientId: this.instance,
      protocolVersion: 5,
      clean: true,
      resubscribe: false,
      reconnectPeriod: this.options.reconnectPeriodMs,
      // A refused login is retried too: the broker's user list or a restarting broker may change its mind.
      reconnectOnConnackError: true,
      connectTimeout: this.options.connectTimeoutMs,
      rejectUnauthorized: this.options.rejectUnauthorized,
      will: { topic: this.topics.instanceState(), payload: Buffer.from(JSON.stringify({ state: 'offline' } satisfies InstanceMessage)), qos: 1, retain: true },
    };
    if (this.options.username) options.username = this.options.username;
    if (this.options.password) options.password = this.options.password;
    if (this.options.ca) options.ca = this.options.ca;
    if (this.options.cert) options.cert = this.options.cert;
    if (this.options.key) options.key = this.options.key;
    return options;
  }

  /** A local tag this instance owns and publishes: matches the publish pattern and is not imported. */
  private isPublished(name: string): boolean {
    if (!this.publishes(name)) return false;
    const owner = this.space.info(name)?.source;
    return owner !== undefined && !remoteSourceIds.has(owner);
  }

  private onConnect(client: MqttClient): void {
    if (client !== this.client) return;
    const imports = this.importing ? this.topics.importFilters(this.options.import) : [];
    const whole = `${this.topics.prefix}/#`;
    // No local echo (nl): this instance's own messages never come back to it. The whole prefix already
    // covers the state, request and reply topics; subscribing them again would deliver every request twice.
    const filters: Record<string, { qos: 0 | 1; nl?: boolean }> = imports.includes(whole) ? { [whole]: { qos: 1, nl: true } } : {
      [this.topics.allInstanceStates]: { qos: 1 },
      [this.topics.replies()]: { qos: 1 },
      ...(this.publishingOn ? { [this.topics.writeRequests()]: { qos: 1 }, [this.topics.historyRequests()]: { qos: 1 } } : {}),
      ...Object.fromEntries(imports.map((filter) => [filter, { qos: 0, nl: true }])),
    };
    client.subscribe(filters, (error) => {
      if (error) this.log.warn(`MQTT subscribe failed: ${messageOf(error)}`);
    });
    client.publish(this.topics.instanceState(), JSON.stringify({ state: 'online', timestamp: Date.now() } satisfies InstanceMessage), { qos: 1, retain: true });
    for (const [name, payload] of this.published) client.publish(this.topics.tag(name), payload, { qos: 0, retain: true });
    this.connectedNow = true;
    this.lastError = '';
    this.source.setConnected(true);
    this.log.info(`MQTT connected to ${this.options.url} as ${this.instance}`);
    this.emit('state', { connected: true, detail: this.options.url } satisfies BridgeState);
  }

  private onDisconnect(detail: string): void {
    if (!this.connectedNow) {
      if (!this.closed) this.emit('state', { connected: false, detail } satisfies BridgeState);
      return;
    }
    this.connectedNow = false;
    this.source.setConnected(false);
    if (this.closed) return;
    this.log.warn(`MQTT connection to ${this.options.url} lost: ${detail}`);
    this.emit('state', { connected: false, detail } satisfies BridgeState);
  }

  private publishTag(name: string, value: TagValue): void {
    const payload = Buffer.from(JSON.stringify(tagMessage(this.instance, this.space.info(name), value)));
    this.published.set(name, payload);
    // Offline, nothing is queued: the latest sample of each tag goes out once the connection is back.
    if (this.connectedNow) this.client?.publish(this.topics.tag(name), payload, { qos: 0, retain: true });
  }

  /** Clears the retained topic of published tags this instance no longer has (a source removed on redeploy). */
  private reconcile(): void {
    if (!this.connectedNow) return;
    for (const name of [...this.published.keys()]) {
      if (this.isPublished(name)) continue;
      this.published.delete(name);
      this.client?.publish(this.topics.tag(name), Buffer.alloc(0), { qos: 1, retain: true });
    }
  }

  private onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void {
    if (topic === this.topics.replies()) return this.onReply(payload, packet);
    if (topic === this.topics.writeRequests()) return this.onWriteRequest(payload, packet);
    if (topic === this.topics.historyRequests()) return this.onHistoryRequest(payload, packet);
    const kind = this.topics.classify(topic);
    if (kind.kind === 'instance') {
      if (kind.instance === this.instance) return;
      const state = parseInstanceMessage(payload);
      this.source.setOwnerOnline(kind.instance, state?.state === 'online');
      return;
    }
    if (kind.kind !== 'tag' || !this.importing || !this.imports(kind.name)) return;
    if (payload.length === 0) return this.source.remove(kind.name);
    const message = parseTagMessage(payload);
    if (!message) return;
    if (message.owner === this.instance) return this.clearIfStale(kind.name);
    // A name this instance owns itself stays its own: the local source wins, the remote one is ignored.
    const local = this.space.info(kind.name);
    if (local && local.source !== this.source.id) return;
    if (valueProblem(message.value, this.space.maxValueBytes)) return;
    this.source.apply(kind.name, message);
  }

  /**
   * A retained tag of this instance's id that it does not publish now: left from an earlier run (a source
   * since removed). Only the owner may clear it, and it does, so nobody imports a tag that no longer exists.
   */
  private clearIfStale(name: string): void {
    if (!this.publishingOn || this.published.has(name) || this.isPublished(name) || !this.connectedNow) return;
    this.client?.publish(this.topics.tag(name), Buffer.alloc(0), { qos: 1, retain: true });
  }

  private onWriteRequest(payload: Buffer, packet: IPublishPacket): void {
    const respondTo = packet.properties?.responseTopic;
    const correlation = packet.properties?.correlationData;
    if (!respondTo || !correlation) return;
    const request = parseWriteRequest(payload);
    const key = `${respondTo} ${correlation.toString('hex')}`;
    const { answer } = this.dedupe.take(key, async (): Promise<Reply> => {
      if (!request) return { ok: false, code: 'bad-value', message: 'not a write request' };
      if (!this.isPublished(request.tag)) return { ok: false, code: 'unknown-tag', message: `${this.instance} does not own tag ${request.tag}` };
      if (!this.remotelyWritable(request.tag)) return { ok: false, code: 'read-only', message: `tag ${request.tag} may not be written from other instances` };
      try {
        await this.space.write(request.tag, request.value, request.timestamp);
        return { ok: true };
      } catch (error) {
        return failureReply(error);
      }
    });
    void answer.then((reply) => this.answer(respondTo, correlation, reply));
  }

  private onHistoryRequest(payload: Buffer, packet: IPublishPacket): void {
    const respondTo = packet.properties?.responseTopic;
    const correlation = packet.properties?.correlationData;
    if (!respondTo || !correlation) return;
    const request = parseHistoryRequest(payload);
    const answer = async (): Promise<Reply> => {
      if (!request || !this.isPublished(request.tag)) return { ok: false, code: 'unknown-tag', message: `${this.instance} does not own tag ${request?.tag ?? '?'}` };
      try {
        const max = Math.max(0, Math.min(Math.floor(request.max), this.options.historyMaxSamples));
        return { ok: true, samples: await this.space.history(request.tag, request.from, request.to, max) };
      } catch (error) {
        return failureReply(error);
      }
    };
    void answer().then((reply) => this.answer(respondTo, correlation, reply));
  }

  private answer(topic: string, correlation: Buffer, reply: Reply): void {
    if (!this.connectedNow) return;
    this.client?.publish(topic, JSON.stringify(reply), { qos: 1, properties: { correlationData: correlation } });
  }

  private onReply(payload: Buffer, packet: IPublishPacket): void {
    const correlation = packet.properties?.correlationData;
    if (!correlation) return;
    const key = correlation.toString('hex');
    const request = this.pending.get(key);
    if (!request) return;
    request.settle(parseReply(payload) ?? { ok: false, code: 'write-failed', message: 'unreadable answer from the owner' });
  }

  /** Sends one request to an owner and waits for its answer; `undefined` when none came in time (never resent). */
  private request(topic: string, body: unknown, timeoutMs: number): Promise<Reply | undefined> {
    const client = this.client;
    if (!client || !this.connectedNow) return Promise.resolve(undefined);
    const correlation = randomBytes(16);
    const key = correlation.toString('hex');
    return new Promise<Reply | undefined>((resolve) => {
      const timer = setTimeout(() => settle(undefined), timeoutMs);
      const settle = (reply: Reply | undefined): void => {
        clearTimeout(timer);
        this.pending.delete(key);
        resolve(reply);
      };
      this.pending.set(key, { settle });
      client.publish(topic, JSON.stringify(body), {
        qos: 1,
        properties: {
          responseTopic: this.topics.replies(),
          correlationData: correlation,
          // A request still queued at the broker after the requester gave up is dropped, not delivered late.
          messageExpiryInterval: Math.max(1, Math.ceil(timeoutMs / 1000)),
        },
      });
    });
  }

  private async remoteWrite(owner: string, name: string, value: unknown, timestamp: number | undefined): Promise<void> {
    const timeoutMs = this.options.writeTimeoutMs;
    const reply = await this.request(this.topics.writeRequests(owner), { tag: name, value, timestamp }, timeoutMs);
    if (!reply) {
      throw new TagError('write-unknown', `tag ${name}: outcome unknown, its owner ${owner} did not answer within ${timeoutMs} ms (the write may have been executed; read it back before writing again)`);
    }
    if (!reply.ok) throw new TagError(reply.code, `tag ${name} (owner ${owner}): ${reply.message}`);
  }

  private async remoteHistory(owner: string, name: string, from: number, to: number, max: number): Promise<TagValue[]> {
    const reply = await this.request(this.topics.historyRequests(owner), { tag: name, from, to, max }, this.options.historyTimeoutMs);
    if (!reply) throw new TagError('source-unavailable', `tag ${name}: no history answer from ${owner}`);
    if (!reply.ok) throw new TagError(reply.code, reply.message);
    return reply.samples ?? [];
  }
}

function failureReply(error: unknown): Reply {
  if (error instanceof TagError) return { ok: false, code: error.code, message: error.message };
  // Sources mark a write that was sent and not answered with `outcome: 'unknown'`.
  const outcome = (error as { outcome?: unknown } | null)?.outcome;
  return { ok: false, code: outcome === 'unknown' ? 'write-unknown' : 'write-failed', message: messageOf(error) };
}
