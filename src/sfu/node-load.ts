// The node's own load figures for /v1/node and /metrics: CPU share of this process over
// the last second (process.cpuUsage deltas), resident memory and the host load average.
import {loadavg} from 'node:os'

export class NodeLoad {
  private lastCpu = process.cpuUsage()
  private lastAt = process.hrtime.bigint()
  cpuPercent = 0
  private readonly timer: NodeJS.Timeout

  constructor() {
    this.timer = setInterval(() => this.sample(), 1000)
    this.timer.unref()
  }

  private sample(): void {
    const now = process.hrtime.bigint()
    const cpu = process.cpuUsage()
    const usedUs = cpu.user - this.lastCpu.user + (cpu.system - this.lastCpu.system)
    const elapsedUs = Number(now - this.lastAt) / 1000
    this.cpuPercent = elapsedUs > 0 ? Math.round((usedUs / elapsedUs) * 1000) / 10 : 0
    this.lastCpu = cpu
    this.lastAt = now
  }

  snapshot() {
    const [a, b, c] = loadavg()
    return {
      cpuPercent: this.cpuPercent,
      rssBytes: process.memoryUsage.rss(),
      loadavg: [a ?? 0, b ?? 0, c ?? 0] as [number, number, number],
    }
  }

  stop(): void {
    clearInterval(this.timer)
  }
}
