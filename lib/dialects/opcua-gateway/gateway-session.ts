import {
  CreateMonitoredItemsResponse, CreateSubscriptionResponse, DeleteMonitoredItemsResponse, DeleteSubscriptionsResponse, MonitoredItemCreateResult, StatusCodes,
  type ClientMonitoredItemBase, type ClientSession, type ClientSubscription, type CreateMonitoredItemsRequest, type CreateSubscriptionRequest, type DataValue,
  type DeleteMonitoredItemsRequest, type DeleteSubscriptionsRequest, type OPCUAClient, type StatusCode, type Variant,
} from 'node-opcua';
import type { LoginOptions } from './login-request';
import { statusOfError } from './service-error';
import { OpcuaStatusError } from '../../opcua/status';
import { openOpcuaClient } from '../../opcua/opcua-client';
import type { ClientCertificates } from '../../opcua/pki';
import { sendOnce } from '../../opcua/send-once';
import { messageOf } from '../../util/errors';

export type SessionStatus = 'Connect' | 'Disconnect';

/** What a gateway session tells its WebSocket client. */
export interface GatewaySessionListener {
  status(status: SessionStatus): void;
  dataChange(clientHandle: number, value: DataValue): void;
  event(clientHandle: number, fields: Variant[]): void;
  log(message: string): void;
}

/** A service the gateway answers with a bad StatusCode in the header (no Body). */
export class ServiceError extends Error {
  constructor(readonly status: StatusCode, message = status.name) {
    super(message);
    this.name = 'ServiceError';
  }
}

interface GatewayItem {
  item: ClientMonitoredItemBase;
  clientHandle: number;
}

interface GatewaySubscription {
  subscription: ClientSubscription;
  /** Keyed by the MonitoredItemId the client was given; node-opcua's own id changes after a recovery. */
  items: Map<number, GatewayItem>;
}

export type SessionState = 'connecting' | 'connected' | 'disconnected' | 'closed';

/**
 * One OPC UA session of one logged-in WebSocket client, with the client's own identity. It connects in
 * the background (the login is answered at once, as ASNeG does), says Connect or Disconnect, and
 * recovers (ASNeG's do not): node-opcua reconnects with back-off and recreates the subscriptions and
 * monitored items; the client keeps the ids it was given and hears Disconnect, then Connect.
 */
export class GatewaySession {
  state: SessionState = 'connecting';
  private client: OPCUAClient | undefined;
  private session: ClientSession | undefined;
  private readonly subscriptions = new Map<number, GatewaySubscription>();
  private told: SessionStatus | undefined;
  private readonly started: Promise<void>;

  constructor(
    readonly id: string,
    /** The WebSocket session that logged in; only it may use this session (ASNeG let any connection). */
    readonly owner: string,
    /** The ClientHandle of the login, which every notification carries. */
    readonly clientHandle: string,
    private readonly login: LoginOptions,
    /** The gateway's PKI: the one folder of every OPC UA client session of this package. */
    private readonly pki: ClientCertificates,
    private readonly listener: GatewaySessionListener,
  ) {
    this.started = this.connect();
  }

  private async connect(): Promise<void> {
    try {
      const client = await openOpcuaClient(this.pki, {
        securityMode: this.login.securityMode,
        securityPolicy: this.login.securityPolicy,
        connectionStrategy: { maxRetry: -1, initialDelay: 250, maxDelay: 10_000, randomisationFactor: 0.2 },
      });
      if (this.isClosed()) {
        await client.disconnect().catch(() => undefined);
        return;
      }
      this.client = client;
      client.on('backoff', () => this.tell('Disconnect'));
      client.on('connection_lost', () => {
        if (this.state === 'closed') return;
        this.state = 'disconnected';
        this.tell('Disconnect');
      });
      client.on('connection_reestablished', () => this.recovered());
      await client.connect(this.login.endpointUrl);
      if (this.isClosed()) return;
      if (!this.login.withSession) {
        // ASNeG's SecureChannel mode: a channel and no session, so every service answers BadSessionClosed.
        this.state = 'disconnected';
        this.tell('Connect');
        return;
      }
      const session = await client.createSession(this.login.userIdentity);
      if (this.isClosed()) {
        await session.close().catch(() => undefined);
        return;
      }
      this.session = session;
      session.on('session_restored', () => this.recovered());
      this.state = 'connected';
      this.tell('Connect');
    } catch (error) {
      if (this.isClosed()) return;
      // A refused identity or security setting will not get better by retrying: say Disconnect and stop.
      this.listener.log(`session ${this.id} to ${this.login.endpointUrl}: ${messageOf(error)}`);
      this.state = 'disconnected';
      this.tell('Disconnect');
      await this.client?.disconnect().catch(() => undefined);
    }
  }

  private recovered(): void {
    if (this.state === 'closed' || !this.session) return;
    this.state = 'connected';
    this.tell('Connect');
  }

  /** Tells each change once: node-opcua reports every failed attempt, the client hears one Disconnect. */
  private tell(status: SessionStatus): void {
    if (this.state === 'closed' || this.told === status) return;
    this.told = status;
    this.listener.status(status);
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  /** The session for a service call; requests while not connected get BadSessionClosed, as in ASNeG. */
  private usable(): ClientSession {
    if (this.state !== 'connected' || !this.session) throw new ServiceError(StatusCodes.BadSessionClosed, 'the OPC UA session is not connected');
    return this.session;
  }

  /**
   * Sends a decoded service request to the server as it is, once: never held over a reconnection and
   * sent again later (see sendOnce). Not sent: BadSessionClosed, as while disconnected; sent and not
   * answered: BadTimeout, the server may have executed it (a Write or a Call).
   */
  async perform<T extends object>(request: object): Promise<T> {
    const session = this.usable();
    try {
      return await sendOnce<T>(session, request, request.constructor.name);
    } catch (error) {
      if (!(error instanceof OpcuaStatusError)) throw new ServiceError(statusOfError(error), messageOf(error));
      const status = error.statusCode.value === StatusCodes.BadNotConnected.value ? StatusCodes.BadSessionClosed : error.statusCode;
      throw new ServiceError(status, error.message);
    }
  }

  async createSubscription(request: CreateSubscriptionRequest): Promise<CreateSubscriptionResponse> {
    const session = this.usable();
    let subscription: ClientSubscription;
    try {
      subscription = await session.createSubscription2({
        requestedPublishingInterval: request.requestedPublishingInterval,
        requestedLifetimeCount: request.requestedLifetimeCount,
        requestedMaxKeepAliveCount: request.requestedMaxKeepAliveCount,
        maxNotificationsPerPublish: request.maxNotificationsPerPublish,
        publishingEnabled: request.publishingEnabled,
        priority: request.priority,
      });
    } catch (error) {
      throw new ServiceError(statusOfError(error), messageOf(error));
    }
    // An EventEmitter's unheard 'error' would end the process; a failing subscription is only logged.
    subscription.on('error', (error: Error) => this.listener.log(`session ${this.id}, subscription: ${error.message}`));
    const subscriptionId = subscription.subscriptionId;
    this.subscriptions.set(subscriptionId, { subscription, items: new Map() });
    return new CreateSubscriptionResponse({
      subscriptionId,
      revisedPublishingInterval: subscription.publishingInterval,
      revisedLifetimeCount: subscription.lifetimeCount,
      revisedMaxKeepAliveCount: subscription.maxKeepAliveCount,
    });
  }

  async deleteSubscriptions(request: DeleteSubscriptionsRequest): Promise<DeleteSubscriptionsResponse> {
    this.usable();
    const results = await Promise.all((request.subscriptionIds ?? []).map(async (id) => {
      const entry = this.subscriptions.get(id);
      if (!entry) return StatusCodes.BadSubscriptionIdInvalid;
      this.subscriptions.delete(id);
      try {
        await entry.subscription.terminate();
        return StatusCodes.Good;
      } catch (error) {
        return statusOfError(error);
      }
    }));
    return new DeleteSubscriptionsResponse({ results });
  }

  async createMonitoredItems(request: CreateMonitoredItemsRequest): Promise<CreateMonitoredItemsResponse> {
    this.usable();
    const entry = this.subscriptions.get(request.subscriptionId);
    if (!entry) throw new ServiceError(StatusCodes.BadSubscriptionIdInvalid);
    const results = await Promise.all((request.itemsToCreate ?? []).map(async (create) => {
      const { clientHandle, samplingInterval, filter, queueSize, discardOldest } = create.requestedParameters;
      let item: ClientMonitoredItemBase;
      try {
        // node-opcua numbers the items itself; the client's ClientHandle stays with us and tags its notifications.
        item = await entry.subscription.monitor(create.itemToMonitor, { samplingInterval, filter, queueSize, discardOldest }, request.timestampsToReturn, create.monitoringMode);
      } catch (error) {
        return new MonitoredItemCreateResult({ statusCode: statusOfError(error) });
      }
      const result = item.result ?? new MonitoredItemCreateResult({ statusCode: item.statusCode });
      const id = item.monitoredItemId;
      if (result.statusCode.value !== 0 || id === undefined) {
        await item.terminate().catch(() => undefined);
        return new MonitoredItemCreateResult({ statusCode: result.statusCode });
      }
      entry.items.set(id, { item, clientHandle });
      item.on('changed', (value: DataValue | Variant[]) => {
        if (Array.isArray(value)) this.listener.event(clientHandle, value);
        else this.listener.dataChange(clientHandle, value);
      });
      return result;
    }));
    return new CreateMonitoredItemsResponse({ results });
  }

  async deleteMonitoredItems(request: DeleteMonitoredItemsRequest): Promise<DeleteMonitoredItemsResponse> {
    this.usable();
    const entry = this.subscriptions.get(request.subscriptionId);
    if (!entry) throw new ServiceError(StatusCodes.BadSubscriptionIdInvalid);
    const results = await Promise.all((request.monitoredItemIds ?? []).map(async (id) => {
      const item = entry.items.get(id);
      if (!item) return StatusCodes.BadMonitoredItemIdInvalid;
      entry.items.delete(id);
      item.item.removeAllListeners('changed');
      try {
        await item.item.terminate();
        return StatusCodes.Good;
      } catch (error) {
        return statusOfError(error);
      }
    }));
    return new DeleteMonitoredItemsResponse({ results });
  }

  /** Counts for tests and status: subscriptions and monitored items this session holds. */
  get counts(): { subscriptions: number; monitoredItems: number } {
    let monitoredItems = 0;
    for (const entry of this.subscriptions.values()) monitoredItems += entry.items.size;
    return { subscriptions: this.subscriptions.size, monitoredItems };
  }

  /** Closes the OPC UA session (deleting its subscriptions on the server) and the connection. */
  async close(): Promise<void> {
    if (this.state === 'closed') return this.started;
    this.state = 'closed';
    this.subscriptions.clear();
    const session = this.session;
    this.session = undefined;
    if (session) await session.close(true).catch(() => undefined);
    await this.client?.disconnect().catch(() => undefined);
    await this.started;
  }
}
