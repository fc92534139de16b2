// JSON-lines logs (one object per line, like the SFU node's access.log).
import {LogConnector} from './log-connector.js'

export class JsonlConnector extends LogConnector {
  protected parse(line: string): Record<string, unknown> | undefined {
    try {
      const v = JSON.parse(line) as unknown
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
    } catch {
      return undefined
    }
  }

  protected edit(line: string, set: Record<string, string | null>): string {
    return JSON.stringify({...(JSON.parse(line) as object), ...set})
  }

  protected needle(value: string): string {
    return JSON.stringify(value).slice(1, -1)
  }

  protected timeOf(fields: Record<string, unknown>, field: string): number {
    return Date.parse(String(fields[field]))
  }
}
