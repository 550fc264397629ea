/** What the scorecard asks the agent in the server process (test/reliability/server-agent.ts). */
export interface AgentRequest {
  agent: true;
  id: number;
  /** Run a full garbage collection before measuring the heap (needs node --expose-gc). */
  gc: boolean;
  /** Start a new stall measurement after this answer. */
  reset: boolean;
}

export interface AgentReply {
  id: number;
  /** Longest event-loop stall since the last reset while the process had a CPU (its own blocking), in ms. */
  maxStallMs: number;
  /** Longest wall-clock event-loop delay since the last reset (includes time the OS did not run the process), in ms. */
  maxWallStallMs: number;
  rssBytes: number;
  /** RSS before the forced GC (what the process really held). */
  rssNoGcBytes: number;
  heapUsedBytes: number;
  /** Memory of Buffers and ArrayBuffers (socket queues live here, outside the JS heap). */
  buffersBytes: number;
  handles: number;
  handleKinds: Record<string, number>;
  listeners: number;
  gcAvailable: boolean;
}
