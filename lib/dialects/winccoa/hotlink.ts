/** Where a connect sends its frames: the socket, keyed for conflation under back-pressure. */
export type HotlinkSink = (frame: string, conflationKey: string) => void;

/** Like HotlinkSink, for frames already framed for the wire (shared between clients where they can be). */
export type FramedHotlinkSink = (frame: Buffer, conflationKey: string) => void;

/** A DpConnect or DpQueryConnect of one socket. */
export interface Hotlink {
  /** Stops every tag-space subscription it holds. Idempotent. */
  close(): void;
}
