import { HistoryReadRequest, type HistoryReadResponse, type HistoryReadResult, ReadRawModifiedDetails, StatusCodes, TimestampsToReturn, type ClientSession, type DataValue, type NodeId } from 'node-opcua';
import { OpcuaStatusError } from './status';

/** Continuation rounds before giving up, so a server that keeps answering "more" cannot hold a request forever. */
const MAX_ROUNDS = 100;

/**
 * Raw history of one variable between two times (inclusive), oldest first, at most `max` samples
 * (0 = as many as the server has), following continuation points until done.
 */
export async function historyReadRaw(session: ClientSession, nodeId: NodeId, from: Date, to: Date, max: number): Promise<DataValue[]> {
  const details = new ReadRawModifiedDetails({ isReadModified: false, startTime: from, endTime: to, numValuesPerNode: max, returnBounds: false });
  const values: DataValue[] = [];
  let continuationPoint: Buffer | undefined;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const response: HistoryReadResponse = await session.historyRead(new HistoryReadRequest({
      historyReadDetails: details,
      timestampsToReturn: TimestampsToReturn.Both,
      releaseContinuationPoints: false,
      nodesToRead: [{ nodeId, continuationPoint }],
    }));
    const result: HistoryReadResult | undefined = response.results?.[0];
    if (!result) throw new OpcuaStatusError(StatusCodes.BadUnexpectedError, 'HistoryRead returned no result');
    if (result.statusCode.isNotGood() && result.statusCode.value !== StatusCodes.GoodMoreData.value) throw new OpcuaStatusError(result.statusCode);
    const data = (result.historyData as { dataValues?: DataValue[] } | null)?.dataValues ?? [];
    values.push(...data);
    continuationPoint = result.continuationPoint ?? undefined;
    if (!continuationPoint || continuationPoint.length === 0 || (max > 0 && values.length >= max)) break;
  }
  if (continuationPoint && continuationPoint.length > 0) {
    // Tell the server it may forget the rest.
    await session.historyRead(new HistoryReadRequest({ historyReadDetails: details, releaseContinuationPoints: true, nodesToRead: [{ nodeId, continuationPoint }] })).catch(() => undefined);
  }
  return max > 0 ? values.slice(0, max) : values;
}
