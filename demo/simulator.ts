/**
 * The contract between `scripts/start-demo.mjs` and the embedded simulators of the demo
 * (`demo/simulators/*.ts`, compiled to `dist/demo/simulators/*.js`). See `demo/simulators/README.md`.
 */

/** What a module in `demo/simulators/` exports (as `export default`, `export =` or named exports). */
export interface DemoSimulator {
  /** Short name for logs and the banner, e.g. "OPC UA demo server". */
  name: string;
  /**
   * Name of the environment variable that switches this simulator off when set to `0`, `off`, `false`
   * or `no` (any case), e.g. "DEMO_OPCUA". Any other value, or unset, leaves it on.
   */
  envSwitch: string;
  /** Starts listening (on loopback) and resolves once clients can connect. Rejects if it cannot. */
  start(): Promise<RunningSimulator>;
}

/** A started simulator. */
export interface RunningSimulator {
  /** One line for the banner, e.g. "opc.tcp://127.0.0.1:4840 (users user1/password1 and anonymous)". */
  describe: string;
  /** Releases every socket, timer and file the simulator holds; resolves when done. Called once. */
  stop(): Promise<void>;
}
