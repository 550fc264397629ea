import { EventEmitter } from 'node:events';
import {
  AttributeIds, BrowseDirection, ClientSubscription, DataValue, StatusCodes, VariableIds, WriteRequest, resolveNodeId, type WriteResponse,
  type BrowseDescriptionOptions, type ClientSession, type NodeId, type OPCUAClient, type ReferenceDescription, type VariantOptions,
} from 'node-opcua';
import { historyReadRaw } from './history';
import { MonitoredItems, type DataChangeListener, type MonitorHandle, type NodeTarget } from './monitored-items';
import { parseNodeId } from './node-ids';
import { openOpcuaClient } from './opcua-client';
import { ClientCertificates } from './pki';
import { ReadBatcher } from './read-batcher';
import { messageSecurityMode, policyUnavailableReason, securityPolicy, userIdentity, type OpcuaIdentity, type SecurityModeName, type SecurityPolicyName } from './security';
import { OpcuaStatusError, notConnected } from './status';
import { sendOnce } from './send-once';
import { OUTCOME_UNKNOWN } from '../tags/write-outcome';
import { watchServerShutdown } from './server-shutdown';
import { unreachableReason } from './unreachable';
import { messageOf } from '../util/errors';

/**
 * `unreachable`: the server was never reached (no TCP connection; retried with back-off); `failed`: it
 * was reached but refused us (certificate, login, security policy; retried at the slow end).
 */
export type OpcuaConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'unreachable' | 'failed' | 'closed';

export interface OpcuaConnectionOptions {
  endpointUrl: string;
  securityMode: SecurityModeName;
  securityPolicy: SecurityPolicyName;
  identity: OpcuaIdentity;
  /** Folder of the client certificate and trust lists (created on first use); the 8082 gateway's sessions use the same one. */
  pkiFolder: string;
  /** Trust a server certificate never seen before (demo, first setup); otherwise it must be in `trusted/`. */
  acceptUnknownServerCertificate?: boolean;
  applicationName?: string;
  /** Reconnection back-off (node-opcua's exponential back-off with these bounds). */
  reconnectInitialDelayMs?: number;
  reconnectMaxDelayMs?: number;
  /** Publishing interval of the shared subscription. */
  publishingIntervalMs?: number;
  log?: { info(text: string): void; warn(text: string): void };
}

/** The timestamps of a write; picoseconds in node-opcua's form (below the millisecond, see lib/opcua/json/precise-time.ts). */
export interface WriteTimestamps {
  source?: Date;
  server?: Date;
  sourcePicoseconds?: number;
  serverPicoseconds?: number;
}

interface ConnectionEvents {
  state: [state: OpcuaConnectionState, detail: string];
  /** The server announced it is shutting down ("server shutting down in 5 s"); cleared when connected again. */
  shutdown: [notice: string];
}

/** Used until the server's own OperationLimits are read; servers that set none get this too. */
const DEFAULT_MAX_NODES_PER_READ = 1000;

/**
 * One OPC UA endpoint shared by everything of one ws-gateway-opcua node: one client session with
 * reconnection and back-off, one subscription whose monitored items are ref-counted and survive
 * reconnects, reads merged per event-loop turn, confirmed writes, HistoryRead and Browse.
 */
export class OpcuaConnection extends EventEmitter<ConnectionEvents> {
  readonly items = new MonitoredItems((target) => (typeof target === 'string' ? this.nodeId(target) : target));
  readonly reads: ReadBatcher;
  private client: OPCUAClient | undefined;
  private session: ClientSession | undefined;
  private subscription: ClientSubscription | undefined;
  private readonly certificates: ClientCertificates;
  private currentState: OpcuaConnectionState = 'idle';
  private detail = '';
  private namespaces: string[] = [];
  private maxNodesPerRead = DEFAULT_MAX_NODES_PER_READ;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs: number;
  private notice: string | undefined;
  private connectAttempts = 0;
  private closing = false;
  private running: Promise<void> | undefined;

  constructor(readonly options: OpcuaConnectionOptions) {
    super();
    this.certificates = new ClientCertificates(options.pkiFolder, options.acceptUnknownServerCertificate === true);
    this.retryDelayMs = options.reconnectInitialDelayMs ?? 1000;
    this.reads = new ReadBatcher(() => (this.currentState === 'connected' ? this.session : undefined), () => this.maxNodesPerRead);
  }

  get state(): OpcuaConnectionState {
    return this.currentState;
  }

  /** Why the connection is not connected (empty when it is). */
  get stateDetail(): string {
    return this.detail;
  }

  get connected(): boolean {
    return this.currentState === 'connected';
  }

  /** Connection attempts made so far (one per retry while the server is unreachable or refuses us). */
  get attempts(): number {
    return this.connectAttempts;
  }

  /** What the server announced about its shutdown ("server shutting down in 5 s"), while connected to it. */
  get shutdownNotice(): string | undefined {
    return this.notice;
  }

  /** Starts connecting in the background; state changes are emitted as 'state'. */
  start(): void {
    if (this.running || this.closing) return;
    const unavailable = policyUnavailableReason(this.options.securityPolicy);
    if (unavailable) {
      this.setState('failed', unavailable);
      return;
    }
    this.running = this.run();
  }

  /** Closes the session and the client and stops every timer; pending and later requests fail with BadNotConnected. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.reads.dispose();
    this.items.clear();
    await this.teardown();
    await this.running?.catch(() => undefined);
    await this.certificates.release();
    this.setState('closed', '');
  }

  /** A NodeId from the variable list's text form, resolving namespace URIs against the server. */
  nodeId(text: string): NodeId {
    return parseNodeId(text, this.namespaces);
  }

  read(nodeId: NodeId, attributeId: number = AttributeIds.Value): Promise<DataValue> {
    if (!this.connected) return Promise.reject(notConnected(this.detail || undefined));
    return this.reads.read({ nodeId, attributeId });
  }

  /**
   * Resolves once the server accepted the value; rejects with the server's status otherwise. Sent once
   * or not at all (see sendOnce): while the connection is down it fails at once with BadNotConnected and
   * is never sent later; sent and not answered, it fails with BadTimeout and outcome `unknown`. Timestamps
   * may carry node-opcua's picoseconds below the millisecond, so a value read can be written back as it was.
   */
  async write(nodeId: NodeId, value: VariantOptions, timestamps: WriteTimestamps = {}): Promise<void> {
    const session = this.requireSession();
    const request = new WriteRequest({
      nodesToWrite: [{
        nodeId,
        attributeId: AttributeIds.Value,
        value: new DataValue({
          value, sourceTimestamp: timestamps.source ?? null, serverTimestamp: timestamps.server ?? null,
          sourcePicoseconds: timestamps.sourcePicoseconds ?? 0, serverPicoseconds: timestamps.serverPicoseconds ?? 0,
        }),
      }],
    });
    const response = await sendOnce<WriteResponse>(session, request, `write to ${nodeId.toString()}`);
    const status = response.results?.[0];
    // An answer without a result cannot say whether the server wrote the value.
    if (!status) throw new OpcuaStatusError(StatusCodes.BadTimeout, `write to ${nodeId.toString()}: the answer holds no result; ${OUTCOME_UNKNOWN}`, 'unknown');
    if (status.isNotGood()) throw new OpcuaStatusError(status, `write to ${nodeId.toString()} failed: ${status.name}`);
  }

  historyRead(nodeId: NodeId, from: Date, to: Date, max: number): Promise<DataValue[]> {
    return historyReadRaw(this.requireSession(), nodeId, from, to, max);
  }

  /** The forward hierarchical references of a node (the editor's browse helper). */
  async browse(nodeId: NodeId): Promise<ReferenceDescription[]> {
    const session = this.requireSession();
    const description: BrowseDescriptionOptions = {
      nodeId, browseDirection: BrowseDirection.Forward, referenceTypeId: 'HierarchicalReferences', includeSubtypes: true, nodeClassMask: 0, resultMask: 63,
    };
    let result = await session.browse(description);
    const references = [...(result.references ?? [])];
    while (result.continuationPoint && result.continuationPoint.length > 0 && references.length < 10000) {
      result = await session.browseNext(result.continuationPoint, false);
      references.push(...(result.references ?? []));
    }
    if (result.statusCode.isNotGood()) throw new OpcuaStatusError(result.statusCode);
    return references;
  }

  /** Watches a value: one monitored item per (node, attribute, interval), shared and restored after reconnects. */
  monitor(target: NodeTarget, samplingInterval: number, listener: DataChangeListener, attributeId: number = AttributeIds.Value): MonitorHandle {
    return this.items.add(target, samplingInterval, listener, attributeId);
  }

  private requireSession(): ClientSession {
    if (!this.connected || !this.session) throw notConnected(this.detail || undefined);
    return this.session;
  }

  private setState(state: OpcuaConnectionState, detail: string): void {
    if (this.currentState === 'closed') return;
    if (state === this.currentState && detail === this.detail) return;
    const previous = this.currentState;
    this.currentState = state;
    this.detail = detail;
    if (state !== previous) {
      if (state === 'connected') {
        this.notice = undefined;
        this.retryDelayMs = this.options.reconnectInitialDelayMs ?? 1000;
      }
      this.logChange(previous, state, detail);
    }
    this.emit('state', state, detail);
  }

  /** One log line per change of state; retries, back-off and repeated events within a state say nothing. */
  private logChange(previous: OpcuaConnectionState, state: OpcuaConnectionState, detail: string): void {
    const { log, endpointUrl } = this.options;
    if (state === 'connected') log?.info(`${previous === 'reconnecting' ? 'reconnected' : 'connected'} to ${endpointUrl}`);
    else if (state === 'reconnecting') log?.warn(`connection to ${endpointUrl} lost, reconnecting`);
    else if (state === 'unreachable') log?.warn(`${endpointUrl} unreachable: ${detail}`);
    else if (state === 'failed') log?.warn(`cannot connect to ${endpointUrl}: ${detail}`);
  }

  private announceShutdown(notice: string): void {
    if (this.notice === notice || this.closing) return;
    this.notice = notice;
    this.options.log?.warn(`${this.options.endpointUrl}: ${notice}`);
    this.emit('shutdown', notice);
  }

  private async run(): Promise<void> {
    const options = this.options;
    try {
      // A retry after a failure keeps that state until it succeeds: the status does not flicker per attempt.
      if (this.currentState === 'idle') this.setState('connecting', options.endpointUrl);
      const client = await openOpcuaClient(this.certificates, {
        applicationName: options.applicationName,
        securityMode: messageSecurityMode(options.securityMode),
        securityPolicy: securityPolicy(options.securityPolicy),
        connectionStrategy: {
          initialDelay: options.reconnectInitialDelayMs ?? 1000,
          maxDelay: options.reconnectMaxDelayMs ?? 10_000,
          // One attempt: node-opcua's own retries would hide why a server is never reached; this
          // connection retries that itself (see the catch below) and reports the reason.
          maxRetry: 0,
        },
      });
      if (this.closing) {
        // close() came while the client was being made: it could not see it.
        await withTimeout(client.disconnect(), CLOSE_STEP_TIMEOUT_MS);
        return;
      }
      this.client = client;
      client.on('connection_lost', () => this.setState('reconnecting', 'connection lost'));
      client.on('backoff', (count: number, delay: number) => {
        if (this.currentState === 'reconnecting') this.setState('reconnecting', `retry ${count} in ${Math.round(delay)} ms`);
      });
      this.connectAttempts += 1;
      await client.connect(options.endpointUrl);
      if (this.closing) return;
      // Once connected, node-opcua reconnects forever: a plant server that reboots must come back without a redeploy.
      client.connectionStrategy.maxRetry = -1;
      const session = await client.createSession(userIdentity(options.identity));
      if (this.closing) {
        // close() came while the session was being created: it could not see it, so end it here.
        await withTimeout(session.close(), CLOSE_STEP_TIMEOUT_MS);
        await withTimeout(client.disconnect(), CLOSE_STEP_TIMEOUT_MS);
        return;
      }
      this.session = session;
      session.on('session_restored', () => { void this.afterReconnection(); });
      await this.readServerFacts(session);
      this.createSubscription(session);
      this.setState('connected', '');
    } catch (error) {
      if (this.closing) return;
      const message = messageOf(error);
      const unreachable = unreachableReason(message);
      const maxDelay = options.reconnectMaxDelayMs ?? 10_000;
      let delay = maxDelay;
      if (unreachable === undefined) {
        // A refused login or certificate does not fix itself quickly: retry at the slow end of the back-off.
        this.setState('failed', message);
      } else {
        this.setState('unreachable', unreachable);
        delay = this.retryDelayMs;
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, maxDelay);
      }
      await this.teardown();
      this.running = undefined;
      if (this.closing) return;
      this.retryTimer = setTimeout(() => { this.retryTimer = undefined; this.start(); }, delay);
    }
  }

  private async readServerFacts(session: ClientSession): Promise<void> {
    // Two nodes only: a server with a small MaxNodesPerRead refuses node-opcua's readOperationLimits (12 nodes at once).
    const [namespaceArray, maxNodesPerRead] = await session.read([
      { nodeId: resolveNodeId(VariableIds.Server_NamespaceArray), attributeId: AttributeIds.Value },
      { nodeId: resolveNodeId(VariableIds.Server_ServerCapabilities_OperationLimits_MaxNodesPerRead), attributeId: AttributeIds.Value },
    ]);
    this.namespaces = Array.isArray(namespaceArray.value.value) ? (namespaceArray.value.value as string[]) : [];
    const limit = Number(maxNodesPerRead.value.value);
    this.maxNodesPerRead = maxNodesPerRead.statusCode.isGood() && Number.isInteger(limit) && limit > 0 ? limit : DEFAULT_MAX_NODES_PER_READ;
  }

  private createSubscription(session: ClientSession): void {
    const subscription = ClientSubscription.create(session, {
      requestedPublishingInterval: this.options.publishingIntervalMs ?? 100,
      requestedLifetimeCount: 600,
      requestedMaxKeepAliveCount: 20,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 1,
    });
    subscription.on('error', (error: Error) => this.options.log?.warn(`subscription: ${error.message}`));
    this.subscription = subscription;
    this.items.attach(subscription);
    watchServerShutdown(subscription, () => this.session, (notice) => this.announceShutdown(notice));
  }

  /**
   * node-opcua re-activates (or re-creates) the session and transfers or re-creates the subscription
   * with its monitored items by itself; the connection only refreshes what may have changed on the
   * server (a restarted server may number its namespaces differently). It waits for the session's
   * 'session_restored': the channel's 'after_reconnection' comes first, while the session is not yet
   * usable, and a read then only earns a node-opcua warning.
   */
  private async afterReconnection(): Promise<void> {
    const session = this.session;
    if (!session || this.closing) return;
    try {
      await this.readServerFacts(session);
      // node-opcua may restore a session more than once per outage; the state (and its log line) changes once.
      this.setState('connected', '');
    } catch (error) {
      this.setState('reconnecting', messageOf(error));
    }
  }

  private async teardown(): Promise<void> {
    const { client, session, subscription } = this;
    this.client = undefined;
    this.session = undefined;
    this.subscription = undefined;
    const reachable = this.currentState === 'connected';
    this.items.detach();
    // While reconnecting, node-opcua would hold these calls until the server is back: skip them then, and
    // never wait long, so a redeploy finishes even when the server is gone. disconnect() stops the retries.
    if (reachable) {
      await withTimeout(subscription?.terminate(), CLOSE_STEP_TIMEOUT_MS);
      await withTimeout(session?.close(), CLOSE_STEP_TIMEOUT_MS);
    }
    await withTimeout(client?.disconnect(), CLOSE_STEP_TIMEOUT_MS);
  }
}

const CLOSE_STEP_TIMEOUT_MS = 2000;

/** Waits for a step of closing, at most `ms`; its failure does not matter any more. */
async function withTimeout(step: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (!step) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    step.catch(() => undefined),
    new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); }),
  ]);
  clearTimeout(timer);
}
