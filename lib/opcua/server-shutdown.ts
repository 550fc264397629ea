import {
  AttributeIds, ClientMonitoredItem, ServerState, TimestampsToReturn, VariableIds, resolveNodeId,
  type ClientSession, type ClientSubscription, type DataValue, type LocalizedText,
} from 'node-opcua';

/** How often the server samples its State for us; servers sample ServerStatus once a second anyway. */
const STATE_SAMPLING_MS = 1000;

/**
 * Watches the server's ServerStatus.State on the connection's subscription (node-opcua re-creates the
 * item with the subscription after reconnects). When the server says Shutdown, it reads
 * SecondsTillShutdown and ShutdownReason and reports "server shutting down in N s (reason)" at once,
 * seconds before the socket drops. The item is on a node of namespace 0, outside the shared items.
 */
export function watchServerShutdown(subscription: ClientSubscription, session: () => ClientSession | undefined, announce: (notice: string) => void): void {
  const item = ClientMonitoredItem.create(
    subscription,
    { nodeId: resolveNodeId(VariableIds.Server_ServerStatus_State), attributeId: AttributeIds.Value },
    { samplingInterval: STATE_SAMPLING_MS, queueSize: 1, discardOldest: true },
    TimestampsToReturn.Neither,
  );
  item.on('changed', (value: DataValue) => {
    if (Number(value.value.value) !== ServerState.Shutdown) return;
    const current = session();
    if (!current) return announce('server shutting down');
    void describeShutdown(current).then(announce, () => announce('server shutting down'));
  });
  // A server without ServerStatus.State (it is mandatory, but) simply never announces anything.
  item.on('err', () => undefined);
}

async function describeShutdown(session: ClientSession): Promise<string> {
  const [seconds, reason] = await session.read([
    { nodeId: resolveNodeId(VariableIds.Server_ServerStatus_SecondsTillShutdown), attributeId: AttributeIds.Value },
    { nodeId: resolveNodeId(VariableIds.Server_ServerStatus_ShutdownReason), attributeId: AttributeIds.Value },
  ]);
  const count = seconds.statusCode.isGood() ? Number(seconds.value.value) : NaN;
  const text = reason.statusCode.isGood() ? (reason.value.value as LocalizedText | null)?.text ?? '' : '';
  const notice = Number.isFinite(count) ? `server shutting down in ${count} s` : 'server shutting down';
  return text ? `${notice} (${text})` : notice;
}
