/**
 * The human log format, for a person at a terminal:
 *
 *   14:03:07.215 INFO  serving NUT host=127.0.0.1 port=3493
 *   14:03:09.002 ERROR rules reload failed; the old rules keep running code=RULE3002
 *       report:
 *         rules.conf:3:5: error RULE1001: ...
 *
 * Local time, the level word, the message, then the other fields as key=value. A field
 * holding several lines (a rendered diagnostic) follows, indented, so it is read once as
 * written rather than as one long escaped string. Pure: the record in, the text out.
 */

export interface TextFormatOptions {
  /** ANSI colours (only on a terminal, and not with NO_COLOR). */
  color: boolean
}

const levelWords: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
}

const levelColors: Record<number, string> = {
  10: '\x1b[90m',
  20: '\x1b[36m',
  30: '\x1b[32m',
  40: '\x1b[33m',
  50: '\x1b[31m',
  60: '\x1b[1;31m',
}

const dim = '\x1b[2m'
const reset = '\x1b[0m'

/** Fields every line has, or that the line's layout shows elsewhere. */
const layoutKeys = new Set(['level', 'time', 'msg'])

/** One pino JSON line as text (with its newline); a line that is not JSON is kept. */
export function formatLogLine(json: string, options: TextFormatOptions): string {
  let record: unknown
  try {
    record = JSON.parse(json)
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return `${json}\n`
  return formatRecord(record as Record<string, unknown>, options)
}

export function formatRecord(record: Record<string, unknown>, options: TextFormatOptions): string {
  const level = typeof record['level'] === 'number' ? record['level'] : 30
  const word = (levelWords[level] ?? `L${level}`).padEnd(5)
  const paint = (code: string | undefined, text: string): string =>
    options.color && code !== undefined ? `${code}${text}${reset}` : text
  const time = typeof record['time'] === 'number' ? clockTime(record['time']) : '--:--:--.---'
  const inline: string[] = []
  const blocks: string[] = []
  for (const [key, value] of Object.entries(record)) {
    if (layoutKeys.has(key) || value === undefined) continue
    const text = fieldText(value)
    if (text.includes('\n')) {
      const body = text
        .trimEnd()
        .split('\n')
        .map((line) => `      ${line}`)
      blocks.push(`    ${paint(dim, `${key}:`)}\n${body.join('\n')}`)
    } else inline.push(`${paint(dim, `${key}=`)}${text}`)
  }
  const message = typeof record['msg'] === 'string' ? record['msg'] : ''
  const head = [paint(dim, time), paint(levelColors[level], word), message, ...inline]
    .filter((part) => part !== '')
    .join(' ')
  return `${[head, ...blocks].join('\n')}\n`
}

/** HH:MM:SS.mmm in local time: the day is on the terminal already. */
function clockTime(epochMs: number): string {
  const d = new Date(epochMs)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`
}

function fieldText(value: unknown): string {
  if (typeof value === 'string') return quoteIfNeeded(value)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    return String(value)
  if (isSerializedError(value)) return quoteIfNeeded(value.message)
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' && !/[\s,]/.test(v)))
    return value.join(',')
  return JSON.stringify(value)
}

/** pino's err serializer gives { type, message, stack }; a person wants the message. */
function isSerializedError(value: unknown): value is { message: string } {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v['message'] === 'string' && typeof v['stack'] === 'string'
}

/** Bare when it reads unambiguously; JSON-quoted when it has spaces, quotes or `=`. */
function quoteIfNeeded(text: string): string {
  if (text.includes('\n')) return text
  return text === '' || /[\s"=\\]/.test(text) ? JSON.stringify(text) : text
}
