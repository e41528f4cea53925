import { type Logger, pino } from 'pino'

export interface LogRecord {
  level: number
  msg: string
  [key: string]: unknown
}

/** A logger that keeps its records, for tests that assert what a component said. */
export function memoryLogger(): { log: Logger; records: LogRecord[]; text(): string } {
  const records: LogRecord[] = []
  const log = pino(
    { level: 'trace', base: null },
    {
      write: (line: string) => {
        records.push(JSON.parse(line) as LogRecord)
      },
    },
  )
  return { log, records, text: () => records.map((r) => r.msg).join('\n') }
}
