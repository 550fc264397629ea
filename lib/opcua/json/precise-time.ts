/**
 * OPC UA time at full precision. An OPC UA DateTime counts 100 ns intervals; a DataValue may add a
 * PicoSeconds field counting 10 ps intervals beyond that (0..9999). node-opcua holds the same instant
 * as a JavaScript Date (whole milliseconds) plus one number of picoseconds below the millisecond
 * (0..999 999 990): on a DataValue as `sourcePicoseconds` / `serverPicoseconds`, on a DateTime value
 * as a `picoseconds` property of the Date. This file converts between the two.
 */

/** node-opcua's sub-millisecond part split the OPC UA way. */
export interface SubMillisecond {
  /** 100 ns intervals within the millisecond, 0..9999: the digits the timestamp text carries. */
  ticks: number;
  /** 10 ps intervals beyond the last 100 ns, 0..9999: the DataValue's PicoSeconds field. */
  tenPicoseconds: number;
}

const PICOSECONDS_PER_TICK = 100_000;

export function splitPicoseconds(picoseconds: number | undefined): SubMillisecond {
  const whole = typeof picoseconds === 'number' && Number.isFinite(picoseconds) && picoseconds > 0 ? Math.floor(picoseconds) : 0;
  // A server may send a PicoSeconds field above 9999 (out of range); its excess is dropped, not carried into the ticks.
  return { ticks: Math.floor(whole / PICOSECONDS_PER_TICK) % 10_000, tenPicoseconds: Math.floor((whole % PICOSECONDS_PER_TICK) / 10) };
}

export function joinPicoseconds(ticks: number, tenPicoseconds: number): number {
  return ticks * PICOSECONDS_PER_TICK + tenPicoseconds * 10;
}

/** A Date as node-opcua decodes a DateTime: the 100 ns below the millisecond in `picoseconds` (absent when 0). */
export type PreciseDate = Date & { picoseconds?: number };

/** The picoseconds node-opcua attached to a decoded DateTime value (0 when none). */
export function picosecondsOf(date: Date): number {
  const picoseconds = (date as PreciseDate).picoseconds;
  return typeof picoseconds === 'number' ? picoseconds : 0;
}

/** A Date carrying sub-millisecond ticks the way node-opcua encodes a DateTime value. */
export function preciseDate(time: number, ticks: number): PreciseDate {
  const date: PreciseDate = new Date(time);
  if (ticks > 0) date.picoseconds = joinPicoseconds(ticks, 0);
  return date;
}
