import type { EventEmitter } from 'node:events';
import type { NodeAPI } from 'node-red';
import { Lease, type LeaseHold, type LeaseHooks } from '../../lib/util/lease';

/**
 * Whether Node-RED is between stopping and starting flows (a deploy). A redeployed user closes (and
 * releases) before its new instance starts (and acquires); closing the connection in between would
 * drop it and open it again a moment later.
 */
class DeployPhase {
  private deploying = false;
  private readonly waiting: Array<() => void> = [];

  constructor(events: EventEmitter) {
    const begin = (): void => { this.deploying = true; };
    events.on('flows:stopping', begin);
    events.on('flows:starting', begin);
    events.on('flows:started', () => {
      this.deploying = false;
      for (const run of this.waiting.splice(0)) run();
    });
  }

  /** Runs `run` now, or once the deploy under way has started every node. */
  afterDeploy(run: () => void): void {
    if (this.deploying) this.waiting.push(run);
    else run();
  }
}

/** One tracker per runtime (tests load the nodes into the same runtime many times). */
const phases = new WeakMap<EventEmitter, DeployPhase>();

function deployPhase(RED: NodeAPI): DeployPhase {
  let phase = phases.get(RED.events);
  if (!phase) {
    phase = new DeployPhase(RED.events);
    phases.set(RED.events, phase);
  }
  return phase;
}

/**
 * The lease of a config node's connection: opened when the first flow node or endpoint acquires it,
 * closed when the last releases it, but a release during a deploy waits until the deploy has started
 * its nodes, so a user that was only redeployed takes the connection over instead of reopening it.
 * The config node ends the lease when it closes itself.
 */
export function configLease<T>(RED: NodeAPI, hooks: Omit<LeaseHooks<T>, 'idle'>): Lease<T> {
  const phase = deployPhase(RED);
  return new Lease<T>({ ...hooks, idle: (stop) => phase.afterDeploy(stop) });
}

/** What a user keeps of a config node it acquired: released on its own close. */
export type ConfigHold<T> = LeaseHold<T>;

/**
 * A config node's `acquire`: a connection that cannot be opened (a bad serial port, a certificate
 * that cannot be made) is the config node's error, reported on it, and its user gets nothing to hold.
 */
export function acquireReporting<T>(lease: Lease<T> | undefined, report: (error: unknown) => void): () => ConfigHold<T> | undefined {
  return () => {
    try {
      return lease?.acquire();
    } catch (error) {
      report(error);
      return undefined;
    }
  };
}
