import {
  BrowseNextRequest, BrowseRequest, CallRequest, CreateMonitoredItemsRequest, CreateSubscriptionRequest, DeleteMonitoredItemsRequest, DeleteSubscriptionsRequest,
  HistoryReadRequest, ReadRequest, TranslateBrowsePathsToNodeIdsRequest, WriteRequest,
} from 'node-opcua';
import type { DecodeRules, JsonValue, Structure, StructureClass } from '../../opcua/json';
import type { GatewaySession } from './gateway-session';

/** One gateway service: the node-opcua request its body decodes into, and how the session runs it. */
export interface ServiceDefinition {
  request: StructureClass;
  rules: DecodeRules;
  /** Array fields (node-opcua names) that must not be empty: ASNeG refuses an empty Read or Write. */
  nonEmpty?: readonly string[];
  invoke(session: GatewaySession, request: Structure): Promise<Structure>;
}

function rules(defaults: Record<string, JsonValue>, required: string[]): DecodeRules {
  return { defaults, required: new Set(required) };
}

/** Sent to the server as decoded; node-opcua's response is encoded back field by field. */
const forward = (session: GatewaySession, request: Structure): Promise<Structure> => session.perform<Structure>(request);

/**
 * The gateway services (docs/protocols/opcua-asneg.md) with ASNeG's defaults (where they differ from node-opcua's) and
 * required fields. MonitoringMode defaults to Reporting, not ASNeG's Sampling: clients written for ASNeG omit it
 * and expect notifications.
 */
export const gatewayServices: ReadonlyMap<string, ServiceDefinition> = new Map<string, ServiceDefinition>([
  ['GW_ReadRequest', {
    request: ReadRequest,
    rules: rules({ 'ReadRequest.MaxAge': '0', 'ReadRequest.TimestampsToReturn': '2' }, ['ReadRequest.NodesToRead', 'ReadValueId.NodeId']),
    nonEmpty: ['nodesToRead'],
    invoke: forward,
  }],
  ['GW_WriteRequest', {
    request: WriteRequest,
    rules: rules({ 'WriteValue.AttributeId': '13' }, ['WriteRequest.NodesToWrite', 'WriteValue.NodeId', 'WriteValue.Value']),
    nonEmpty: ['nodesToWrite'],
    invoke: forward,
  }],
  ['GW_HistoryReadRequest', {
    request: HistoryReadRequest,
    rules: rules({ 'HistoryReadRequest.TimestampsToReturn': '0', 'HistoryReadRequest.ReleaseContinuationPoints': 'false' }, [
      'HistoryReadRequest.HistoryReadDetails', 'HistoryReadRequest.NodesToRead', 'HistoryReadValueId.NodeId',
      'ReadRawModifiedDetails.IsReadModified', 'ReadRawModifiedDetails.NumValuesPerNode', 'ReadRawModifiedDetails.ReturnBounds', 'ReadEventDetails.NumValuesPerNode',
    ]),
    invoke: forward,
  }],
  ['GW_BrowseRequest', {
    request: BrowseRequest,
    rules: rules({}, [
      'BrowseRequest.RequestedMaxReferencesPerNode', 'BrowseRequest.NodesToBrowse', 'BrowseDescription.NodeId', 'BrowseDescription.BrowseDirection',
      'BrowseDescription.IncludeSubtypes', 'BrowseDescription.NodeClassMask', 'BrowseDescription.ResultMask',
    ]),
    invoke: forward,
  }],
  ['GW_BrowseNextRequest', {
    request: BrowseNextRequest,
    rules: rules({}, ['BrowseNextRequest.ReleaseContinuationPoints', 'BrowseNextRequest.ContinuationPoints']),
    invoke: forward,
  }],
  ['GW_TranslateBrowsePathsToNodeIdsRequest', {
    request: TranslateBrowsePathsToNodeIdsRequest,
    rules: rules({}, [
      'TranslateBrowsePathsToNodeIdsRequest.BrowsePaths', 'BrowsePath.StartingNode', 'BrowsePath.RelativePath', 'RelativePath.Elements',
      'RelativePathElement.IsInverse', 'RelativePathElement.IncludeSubtypes',
    ]),
    invoke: forward,
  }],
  ['GW_CallRequest', {
    request: CallRequest,
    rules: rules({}, ['CallRequest.MethodsToCall', 'CallMethodRequest.ObjectId', 'CallMethodRequest.MethodId']),
    invoke: forward,
  }],
  ['GW_CreateSubscriptionRequest', {
    request: CreateSubscriptionRequest,
    rules: rules({
      'CreateSubscriptionRequest.RequestedPublishingInterval': '100', 'CreateSubscriptionRequest.RequestedLifetimeCount': '2400',
      'CreateSubscriptionRequest.RequestedMaxKeepAliveCount': '10', 'CreateSubscriptionRequest.MaxNotificationsPerPublish': '65536',
      'CreateSubscriptionRequest.PublishingEnabled': 'true', 'CreateSubscriptionRequest.Priority': '0',
    }, []),
    invoke: (session, request) => session.createSubscription(request as CreateSubscriptionRequest),
  }],
  ['GW_DeleteSubscriptionsRequest', {
    request: DeleteSubscriptionsRequest,
    rules: rules({}, ['DeleteSubscriptionsRequest.SubscriptionIds']),
    invoke: (session, request) => session.deleteSubscriptions(request as DeleteSubscriptionsRequest),
  }],
  ['GW_CreateMonitoredItemsRequest', {
    request: CreateMonitoredItemsRequest,
    rules: rules({
      'CreateMonitoredItemsRequest.TimestampsToReturn': '2', 'MonitoredItemCreateRequest.MonitoringMode': '2',
      'MonitoringParameters.QueueSize': '0', 'MonitoringParameters.DiscardOldest': 'true',
    }, [
      'CreateMonitoredItemsRequest.SubscriptionId', 'CreateMonitoredItemsRequest.ItemsToCreate', 'MonitoredItemCreateRequest.ItemToMonitor',
      'MonitoredItemCreateRequest.RequestedParameters', 'ReadValueId.NodeId', 'MonitoringParameters.ClientHandle', 'MonitoringParameters.SamplingInterval',
    ]),
    invoke: (session, request) => session.createMonitoredItems(request as CreateMonitoredItemsRequest),
  }],
  ['GW_DeleteMonitoredItemsRequest', {
    request: DeleteMonitoredItemsRequest,
    rules: rules({}, ['DeleteMonitoredItemsRequest.SubscriptionId', 'DeleteMonitoredItemsRequest.MonitoredItemIds']),
    invoke: (session, request) => session.deleteMonitoredItems(request as DeleteMonitoredItemsRequest),
  }],
]);
