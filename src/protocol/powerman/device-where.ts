/**
 * What a `device` line's WHERE and FLAGS strings mean (reference 1.4): a coprocess when
 * WHERE contains `|&`, a serial line when it starts with `/`, TCP `host:port` otherwise.
 * Pure: whether a serial path exists is for the engine to find out.
 */
export type Transport =
  | { kind: 'coprocess'; argv: string[] }
  | {
      kind: 'serial'
      path: string
      baud: number
      dataBits: 7 | 8
      parity: 'n' | 'e' | 'o'
      stopBits: 1 | 2
    }
  | { kind: 'tcp'; host: string; port: number; quiet: boolean }

export interface WhereProblem {
  /** Which string is at fault. */
  field: 'where' | 'flags'
  severity: 'error' | 'warning'
  message: string
}

export const serialBauds = [
  300, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800,
] as const

export function parseDeviceWhere(
  where: string,
  flags: string | undefined,
): { transport: Transport | undefined; problems: WhereProblem[] } {
  const problems: WhereProblem[] = []
  if (where.includes('|&')) {
    // powermand splits on blanks and on every | and &, with no quoting, and runs argv[0]
    // with execv: no PATH search.
    const argv = where.split(/[\s|&]+/).filter((a) => a !== '')
    if (argv.length === 0)
      return {
        transport: undefined,
        problems: [{ field: 'where', severity: 'error', message: 'no command before |&' }],
      }
    if (!(argv[0] as string).startsWith('/'))
      problems.push({
        field: 'where',
        severity: 'warning',
        message: `'${argv[0]}' is not an absolute path; powermand runs it without searching PATH`,
      })
    return { transport: { kind: 'coprocess', argv }, problems }
  }
  if (where.startsWith('/')) return serial(where, flags, problems)
  const colon = where.indexOf(':')
  if (colon < 0)
    return {
      transport: undefined,
      problems: [{ field: 'where', severity: 'error', message: `'${where}' has no :port` }],
    }
  const host = where.slice(0, colon)
  const port = cLong(where.slice(colon + 1))
  if (port === undefined || port < 1 || port > 65535)
    return {
      transport: undefined,
      problems: [
        {
          field: 'where',
          severity: 'error',
          message: `port '${where.slice(colon + 1)}' is not in 1..65535`,
        },
      ],
    }
  let quiet = false
  for (const flag of (flags ?? '').split(',')) {
    if (flag === '') continue
    if (flag === 'quiet') quiet = true
    else
      problems.push({
        field: 'flags',
        severity: 'error',
        message: `unknown TCP flag '${flag}' (only quiet exists)`,
      })
  }
  return { transport: { kind: 'tcp', host, port, quiet }, problems }
}

function serial(
  path: string,
  flags: string | undefined,
  problems: WhereProblem[],
): { transport: Transport | undefined; problems: WhereProblem[] } {
  if (flags === undefined) {
    problems.push({
      field: 'where',
      severity: 'error',
      message: 'a serial device without "baud,DPS" flags; Debian\'s powermand 2.3.27 crashes on it',
    })
    return {
      transport: { kind: 'serial', path, baud: 9600, dataBits: 8, parity: 'n', stopBits: 1 },
      problems,
    }
  }
  // sscanf("%d,%d%c%d"): what is there is read, the rest keeps its default.
  const m = /^([0-9]+)(?:,([0-9]+)(?:([A-Za-z])([0-9]+)?)?)?$/.exec(flags)
  if (m === null) {
    problems.push({
      field: 'flags',
      severity: 'error',
      message: `'${flags}' is not "baud,DPS" such as "9600,8n1"`,
    })
    return { transport: undefined, problems }
  }
  const baud = Number(m[1])
  const dataBits = m[2] === undefined ? 8 : Number(m[2])
  const parity = (m[3] ?? 'n').toLowerCase()
  const stopBits = m[4] === undefined ? 1 : Number(m[4])
  const bad = (what: string) => problems.push({ field: 'flags', severity: 'error', message: what })
  if (!(serialBauds as readonly number[]).includes(baud))
    bad(`baud ${baud} is not one of ${serialBauds.join(' ')}`)
  if (dataBits !== 7 && dataBits !== 8) bad(`data bits ${dataBits} is not 7 or 8`)
  if (parity !== 'n' && parity !== 'e' && parity !== 'o') bad(`parity '${m[3]}' is not n, e or o`)
  if (stopBits !== 1 && stopBits !== 2) bad(`stop bits ${stopBits} is not 1 or 2`)
  if (problems.some((p) => p.severity === 'error')) return { transport: undefined, problems }
  return {
    transport: {
      kind: 'serial',
      path,
      baud,
      dataBits: dataBits as 7 | 8,
      parity: parity as 'n' | 'e' | 'o',
      stopBits: stopBits as 1 | 2,
    },
    problems,
  }
}

/** C's strtol(text, NULL, 0) without the end check powermand skips too. */
function cLong(text: string): number | undefined {
  const m = /^[ \t]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(text)
  if (m === null) return undefined
  const body = m[2] as string
  const value = /^0[xX]/.test(body)
    ? Number.parseInt(body.slice(2), 16)
    : body.startsWith('0')
      ? Number.parseInt(body, 8)
      : Number.parseInt(body, 10)
  return m[1] === '-' ? -value : value
}
