/**
 * upsd.conf, read as upsd 2.8.0 reads it (reference: nut-protocol.md 4.3). Directive
 * names are case-sensitive (DEBUG_MIN is not); upsd logs an unknown directive and carries
 * on, as we do with a warning.
 *
 * nutshell's own settings start with `NUTSHELL_`, so a file that holds them stays valid for
 * upsd (it logs them as unknown and ignores them).
 */
import { adviceFor, type ConfigDiagnostic, type Position } from './diagnostic.ts'
import { type ConfLine, DiagnosticSink, readConfLines, wordAt } from './lines.ts'
import { readBool, readInt, readPort } from './values.ts'

export interface UpsdListen {
  host: string
  /** Undefined: the default port 3493. */
  port?: number
  position: Position
}

export interface UpsdConf {
  /** Seconds. */
  maxAge?: number
  /** Seconds. */
  trackingDelay?: number
  allowNoDevice?: boolean
  allowNotAllListeners?: boolean
  statePath?: string
  dataPath?: string
  listen: UpsdListen[]
  maxConn?: number
  certFile?: string
  certPath?: string
  certIdent?: { name: string; password: string }
  certRequest?: number
  disableWeakSsl?: boolean
  debugMin?: number
  /** nutshell extensions (NUTSHELL_*). */
  nutshell: {
    /** Seconds without a complete line before a client is closed. */
    idleTimeout?: number
    /** Seconds a STARTTLS handshake may take. */
    handshakeTimeout?: number
    /** Bytes per request line. */
    maxLineLength?: number
    maxConnPerAddress?: number
    /** Bytes waiting for a client that does not read. */
    maxOutputQueue?: number
    /** PEM key file when the key is not inside CERTFILE. */
    keyFile?: string
  }
}

export interface UpsdConfResult {
  conf: UpsdConf
  diagnostics: ConfigDiagnostic[]
}

type Handler = (conf: UpsdConf, line: ConfLine, sink: DiagnosticSink) => void

const integer = (
  set: (conf: UpsdConf, n: number) => void,
  what: string,
  min = 0,
): { args: number; handle: Handler } => ({
  args: 1,
  handle: (conf, line, sink) => {
    const n = readInt(line.words[1] as string, wordAt(line, 1), sink, { what, min })
    if (n !== undefined) set(conf, n)
  },
})

const text = (set: (conf: UpsdConf, v: string) => void): { args: number; handle: Handler } => ({
  args: 1,
  handle: (conf, line) => set(conf, line.words[1] as string),
})

const bool = (
  set: (conf: UpsdConf, v: boolean) => void,
  what: string,
  allowNumber = false,
): { args: number; handle: Handler } => ({
  args: 1,
  handle: (conf, line, sink) => {
    const word = line.words[1] as string
    // ALLOW_NO_DEVICE also takes a number: any non-zero value means yes.
    if (allowNumber && /^\d+$/.test(word)) {
      set(conf, Number.parseInt(word, 10) !== 0)
      return
    }
    const v = readBool(word, wordAt(line, 1), sink, what)
    if (v !== undefined) set(conf, v)
  },
})

const unsupported = (
  what: string,
  advice: string,
  args: number,
): { args: number; handle: Handler } => ({
  args,
  handle: (_conf, line, sink) =>
    sink.warn(
      'unsupported',
      wordAt(line, 0),
      `${what} is not supported by nutshell; ignored`,
      advice,
    ),
})

const directives: Record<string, { args: number; handle: Handler }> = {
  MAXAGE: {
    args: 1,
    handle: (conf, line, sink) => {
      const n = readInt(line.words[1] as string, wordAt(line, 1), sink, {
        what: 'MAXAGE (seconds)',
        min: 1,
        example: 15,
      })
      if (n !== undefined) conf.maxAge = n
    },
  },
  TRACKINGDELAY: integer((c, n) => {
    c.trackingDelay = n
  }, 'TRACKINGDELAY (seconds)'),
  ALLOW_NO_DEVICE: bool(
    (c, v) => {
      c.allowNoDevice = v
    },
    'ALLOW_NO_DEVICE',
    true,
  ),
  ALLOW_NOT_ALL_LISTENERS: bool(
    (c, v) => {
      c.allowNotAllListeners = v
    },
    'ALLOW_NOT_ALL_LISTENERS',
    true,
  ),
  STATEPATH: text((c, v) => {
    c.statePath = v
  }),
  DATAPATH: text((c, v) => {
    c.dataPath = v
  }),
  LISTEN: {
    args: 1,
    handle: (conf, line, sink) => {
      const entry: UpsdListen = { host: line.words[1] as string, position: wordAt(line, 1) }
      if (line.words[2] !== undefined) {
        const port = readPort(line.words[2], wordAt(line, 2), sink, 'LISTEN port')
        if (port === undefined) return
        entry.port = port
      }
      if (entry.host === '') {
        sink.error(
          'bad-value',
          wordAt(line, 1),
          'LISTEN needs an address',
          'e.g. LISTEN 127.0.0.1 3493',
        )
        return
      }
      conf.listen.push(entry)
    },
  },
  MAXCONN: integer(
    (c, n) => {
      c.maxConn = n
    },
    'MAXCONN (connections)',
    1,
  ),
  CERTFILE: text((c, v) => {
    c.certFile = v
  }),
  CERTPATH: unsupported(
    'CERTPATH (an NSS certificate database)',
    'use CERTFILE with a PEM file holding certificate and key',
    1,
  ),
  CERTIDENT: unsupported(
    'CERTIDENT (NSS)',
    'use CERTFILE with a PEM file holding certificate and key',
    2,
  ),
  CERTREQUEST: unsupported(
    'CERTREQUEST (client certificates)',
    'remove it; clients are not asked for certificates',
    1,
  ),
  DISABLE_WEAK_SSL: bool((c, v) => {
    c.disableWeakSsl = v
  }, 'DISABLE_WEAK_SSL'),
  NUTSHELL_IDLE_TIMEOUT: integer(
    (c, n) => {
      c.nutshell.idleTimeout = n
    },
    'NUTSHELL_IDLE_TIMEOUT (seconds)',
    1,
  ),
  NUTSHELL_HANDSHAKE_TIMEOUT: integer(
    (c, n) => {
      c.nutshell.handshakeTimeout = n
    },
    'NUTSHELL_HANDSHAKE_TIMEOUT (seconds)',
    1,
  ),
  NUTSHELL_MAX_LINE: integer(
    (c, n) => {
      c.nutshell.maxLineLength = n
    },
    'NUTSHELL_MAX_LINE (bytes)',
    64,
  ),
  NUTSHELL_MAXCONN_PER_ADDRESS: integer(
    (c, n) => {
      c.nutshell.maxConnPerAddress = n
    },
    'NUTSHELL_MAXCONN_PER_ADDRESS (connections)',
    1,
  ),
  NUTSHELL_MAX_OUTPUT_QUEUE: integer(
    (c, n) => {
      c.nutshell.maxOutputQueue = n
    },
    'NUTSHELL_MAX_OUTPUT_QUEUE (bytes)',
    1024,
  ),
  NUTSHELL_KEYFILE: text((c, v) => {
    c.nutshell.keyFile = v
  }),
}

export const upsdConfDirectives = [...Object.keys(directives), 'DEBUG_MIN']

export function parseUpsdConf(input: string, file = 'upsd.conf'): UpsdConfResult {
  const sink = new DiagnosticSink(file)
  const conf: UpsdConf = { listen: [], nutshell: {} }
  for (const line of readConfLines(input, sink)) {
    const name = line.words[0] as string
    if (name.toUpperCase() === 'DEBUG_MIN') {
      if (line.words[1] === undefined) {
        sink.error('missing-value', wordAt(line, 0), 'DEBUG_MIN needs a value', 'e.g. DEBUG_MIN 1')
        continue
      }
      const n = readInt(line.words[1], wordAt(line, 1), sink, { what: 'DEBUG_MIN', min: 0 })
      if (n !== undefined) conf.debugMin = n
      continue
    }
    if (name === 'ACL' || name === 'ACCEPT' || name === 'REJECT') {
      sink.warn(
        'obsolete',
        wordAt(line, 0),
        `${name} is obsolete (removed in NUT 2.4) and ignored`,
        'restrict access with LISTEN addresses and a firewall',
      )
      continue
    }
    const directive = Object.hasOwn(directives, name) ? directives[name] : undefined
    if (directive === undefined) {
      sink.warn(
        'unknown-directive',
        wordAt(line, 0),
        `unknown upsd.conf directive '${name}'; ignored, as upsd ignores it`,
        adviceFor(name, upsdConfDirectives, 'directives (case-sensitive) are'),
      )
      continue
    }
    if (line.words.length - 1 < directive.args) {
      sink.error(
        'missing-value',
        wordAt(line, 0),
        `${name} needs ${directive.args === 1 ? 'a value' : `${directive.args} values`}`,
      )
      continue
    }
    const maxArgs = name === 'LISTEN' ? 2 : directive.args
    if (line.words.length - 1 > maxArgs) {
      sink.warn('extra-words', wordAt(line, maxArgs + 1), `extra words after ${name} are ignored`)
    }
    directive.handle(conf, line, sink)
  }
  return { conf, diagnostics: sink.list }
}
