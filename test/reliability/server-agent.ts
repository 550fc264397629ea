// Loaded with `node --require` into the Node-RED process the reliability scorecard drives. It measures that
// process from the inside and answers the scorecard over the IPC channel: the longest event-loop stall, RSS,
// heap after a full GC (node --expose-gc), active handles and the listeners of the process and its servers.
// It adds no behaviour to Node-RED.
import net = require('node:net');
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { AgentReply, AgentRequest } from './agent-protocol';

// Wall-clock delay of the event loop. 1 ms resolution: an idle loop then shows ~1 ms, so the maximum is
// the stall itself.
const delays = monitorEventLoopDelay({ resolution: 1 });
delays.enable();

// The same stall counted only while this process was on a CPU. On a shared machine the scheduler can
// hold a process back for tens of ms; that shows in the wall-clock delay but is not the process blocking
// its own loop. A tick late by `gap` ms during which the process used `cpu` ms of CPU time was blocked by
// its own work for at most min(gap, cpu) ms.
const TICK_MS = 5;
let lastTick = performance.now();
let lastCpu = cpuMs();
let maxCpuStallMs = 0;

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

setInterval(() => {
  const now = performance.now();
  const cpu = cpuMs();
  const late = now - lastTick - TICK_MS;
  if (late > 0) maxCpuStallMs = Math.max(maxCpuStallMs, Math.min(late, cpu - lastCpu));
  lastTick = now;
  lastCpu = cpu;
}, TICK_MS).unref();

// Every server that listens in this process (Node-RED's own and the endpoints' own ports), to count the
// listeners a redeploy could leave behind on them.
const servers = new Set<net.Server>();
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
  servers.add(this);
  this.once('close', () => servers.delete(this));
  return (listen as (...a: unknown[]) => net.Server).apply(this, args);
} as typeof net.Server.prototype.listen;

function listenerCount(emitter: NodeJS.EventEmitter): number {
  return emitter.eventNames().reduce((sum, name) => sum + emitter.listenerCount(name), 0);
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

function answer(request: AgentRequest): AgentReply {
  // Read the stall first: the forced GC below is the scorecard's own pause and must not count.
  const maxWallStallMs = delays.max / 1e6;
  const maxStallMs = maxCpuStallMs;
  const rssNoGc = process.memoryUsage.rss();
  if (request.gc) collectGarbage();
  const memory = process.memoryUsage();
  const resources = process.getActiveResourcesInfo();
  const kinds: Record<string, number> = {};
  for (const kind of resources) kinds[kind] = (kinds[kind] ?? 0) + 1;
  let listeners = listenerCount(process);
  for (const server of servers) listeners += listenerCount(server);
  const reply: AgentReply = {
    id: request.id,
    maxStallMs,
    maxWallStallMs,
    rssBytes: memory.rss,
    rssNoGcBytes: rssNoGc,
    heapUsedBytes: memory.heapUsed,
    buffersBytes: memory.arrayBuffers,
    handles: resources.length,
    handleKinds: kinds,
    listeners,
    gcAvailable: typeof (globalThis as { gc?: unknown }).gc === 'function',
  };
  if (request.reset) {
    delays.reset();
    maxCpuStallMs = 0;
    lastTick = performance.now();
    lastCpu = cpuMs();
  }
  return reply;
}

process.on('message', (message: AgentRequest) => {
  if (message && message.agent === true) process.send?.(answer(message));
});
// The IPC channel must not keep Node-RED alive on its own, nor stop it from exiting.
process.channel?.unref();
