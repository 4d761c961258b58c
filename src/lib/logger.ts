/**
 * One JSON line per log record, on Node and Workers (Workers Logs indexes JSON fields).
 * Never pass secrets or whole request bodies as fields.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogFields = Record<string, unknown>

export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export function createLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => console.log(line),
): Logger {
  const log =
    (at: LogLevel) =>
    (message: string, fields: LogFields = {}) => {
      if (order[at] < order[level]) return
      write(JSON.stringify({ level: at, message, time: new Date().toISOString(), ...serialise(fields) }))
    }
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }
}

function serialise(fields: LogFields): LogFields {
  const out: LogFields = {}
  for (const [key, value] of Object.entries(fields)) {
    out[key] =
      value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value
  }
  return out
}

/** A logger that keeps records in memory, for tests that assert what was (not) logged. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  return { ...createLogger('debug', (line) => lines.push(line)), lines }
}
