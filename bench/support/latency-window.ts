/**
 * The measuring side of a bench child process that records write -> arrival latencies: it records
 * [write time, arrival time] pairs while the parent says `{measure: true}`, and on `{stop: {from, to}}`
 * answers `{latencies, cpuMicros}` for the values written in [from, to) (so late arrivals of values
 * written inside the window still count) and then runs `finish` (close its clients, exit).
 */
export class LatencyWindow {
  /** Flat [write time, arrival time] pairs, recorded only while measuring. */
  private readonly pairs: number[] = [];
  private measuring = false;
  private cpuStart = process.cpuUsage();

  /** Records one arrival now, of a value written at `written` (both on the same wall clock, in ms). */
  record(written: number, arrived: number): void {
    if (this.measuring) this.pairs.push(written, arrived);
  }

  get isMeasuring(): boolean {
    return this.measuring;
  }

  /** Answers the parent's messages until it says stop; `finish` runs once the answer has been sent. */
  serve(finish: () => void): void {
    process.on('message', (message: { measure?: boolean; stop?: { from: number; to: number } }) => {
      if (message.measure) {
        this.measuring = true;
        this.cpuStart = process.cpuUsage();
      }
      if (message.stop) {
        this.measuring = false;
        const cpu = process.cpuUsage(this.cpuStart);
        const { from, to } = message.stop;
        const latencies: number[] = [];
        for (let index = 0; index < this.pairs.length; index += 2) {
          if (this.pairs[index] >= from && this.pairs[index] < to) latencies.push(this.pairs[index + 1] - this.pairs[index]);
        }
        process.send?.({ latencies, cpuMicros: cpu.user + cpu.system }, finish);
      }
    });
  }
}
