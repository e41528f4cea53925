/**
 * upsmon.conf, read as upsmon reads it (reference: nut-protocol.md 3.1): directive names
 * case-sensitive except DEBUG_MIN, unknown directives warned about and ignored, NUT's
 * defaults for everything not set. Times are in seconds here; config/ converts them.
 */
import { adviceFor } from './diagnostic.ts'
import { type ConfLine, DiagnosticSink, readConfLines, wordAt } from './lines.ts'
import { isNotifyType, notifyTypes } from './notify-types.ts'
import { parseSystemName } from './system-name.ts'
import {
  defaultUpsmonConf,
  type UpsmonConf,
  type UpsmonConfResult,
  type UpsmonNotifyFlag,
} from './upsmon-types.ts'
import { parseBool, readBool, readInt } from './values.ts'

export * from './upsmon-types.ts'

const flagWords: readonly UpsmonNotifyFlag[] = ['SYSLOG', 'WALL', 'EXEC', 'IGNORE']

type Handler = (conf: UpsmonConf, line: ConfLine, sink: DiagnosticSink) => void
interface Directive {
  /** Words after the directive name that must be present. */
  args: number
  /** Most words after the name that mean something; more are warned about. */
  maxArgs: number
  handle: Handler
}

type NumberKey =
  | 'minSupplies'
  | 'pollFreq'
  | 'pollFreqAlert'
  | 'deadTime'
  | 'hostSync'
  | 'finalDelay'
  | 'rbWarnTime'
  | 'noCommWarnTime'
  | 'offDuration'
  | 'overDuration'
  | 'obLbDuration'
  | 'pollFailLogThrottleMax'

function num(key: NumberKey, what: string, min?: number): Directive {
  return {
    args: 1,
    maxArgs: 1,
    handle: (conf, line, sink) => {
      const options = min === undefined ? { what } : { what, min }
      const n = readInt(line.words[1] as string, wordAt(line, 1), sink, options)
      if (n !== undefined) conf[key] = n
    },
  }
}

function str(set: (conf: UpsmonConf, value: string) => void, multi = false): Directive {
  return {
    args: 1,
    maxArgs: multi ? Number.POSITIVE_INFINITY : 1,
    // NUT master lets a command be written as several words; join them back with spaces.
    handle: (conf, line, sink) => {
      if (line.words.length > 2) {
        sink.warn(
          'extra-words',
          wordAt(line, 2),
          `upsmon 2.8.0 runs only '${line.words[1]}'; NUT master and nutshell join the words: '${line.words.slice(1).join(' ')}'`,
          `quote the whole command: ${line.words[0]} "..."`,
        )
      }
      set(conf, line.words.slice(1).join(' '))
    },
  }
}

function readMonitor(conf: UpsmonConf, line: ConfLine, sink: DiagnosticSink): void {
  const w = line.words
  if (w.length < 6) {
    sink.error(
      'missing-value',
      wordAt(line, 0),
      w.length === 5
        ? 'MONITOR has 4 values: this is the old form without a user name, which upsmon refuses'
        : 'MONITOR needs 5 values',
      'write MONITOR ups@host[:port] <powervalue> <user> <password> primary|secondary',
    )
    return
  }
  const system = w[1] as string
  const name = parseSystemName(system)
  if (!name.ok) {
    sink.error(
      'bad-value',
      wordAt(line, 1),
      `MONITOR '${system}': ${name.reason}`,
      'write ups@host[:port], e.g. myups@localhost',
    )
    return
  }
  const powerValue = readInt(w[2] as string, wordAt(line, 2), sink, {
    what: 'MONITOR power value',
    min: 0,
  })
  const roleWord = (w[5] as string).toLowerCase()
  const role =
    roleWord === 'primary' || roleWord === 'master'
      ? 'primary'
      : roleWord === 'secondary' || roleWord === 'slave'
        ? 'secondary'
        : undefined
  if (role === undefined) {
    sink.error(
      'bad-value',
      wordAt(line, 5),
      `MONITOR role '${w[5]}' is not valid`,
      'write primary or secondary (or the old master / slave)',
    )
  }
  if (powerValue === undefined || role === undefined) return
  const earlier = conf.monitors.find((m) => m.system === system)
  if (earlier !== undefined) {
    sink.warn(
      'duplicate',
      wordAt(line, 1),
      `${system} is already monitored (line ${earlier.position.line}); upsmon ignores this line`,
    )
    return
  }
  conf.monitors.push({
    system,
    ups: name.value.ups,
    host: name.value.host,
    port: name.value.port,
    powerValue,
    user: w[3] as string,
    password: w[4] as string,
    role,
    position: wordAt(line, 1),
  })
}

function notifyType(line: ConfLine, sink: DiagnosticSink, directive: string): string | undefined {
  const word = line.words[1] as string
  if (isNotifyType(word)) return word.toUpperCase()
  sink.warn(
    'bad-value',
    wordAt(line, 1),
    `${directive}: unknown notify type '${word}'; upsmon ignores the line`,
    adviceFor(word, notifyTypes, 'notify types are'),
  )
  return undefined
}

const directives: Record<string, Directive> = {
  MONITOR: { args: 5, maxArgs: 5, handle: readMonitor },
  MINSUPPLIES: num('minSupplies', 'MINSUPPLIES', 0),
  SHUTDOWNCMD: str((c, v) => {
    c.shutdownCmd = v
  }, true),
  NOTIFYCMD: str((c, v) => {
    c.notifyCmd = v
  }, true),
  POLLFREQ: num('pollFreq', 'POLLFREQ (seconds)', 1),
  POLLFREQALERT: num('pollFreqAlert', 'POLLFREQALERT (seconds)', 1),
  DEADTIME: num('deadTime', 'DEADTIME (seconds)', 0),
  HOSTSYNC: num('hostSync', 'HOSTSYNC (seconds)', 0),
  FINALDELAY: num('finalDelay', 'FINALDELAY (seconds)', 0),
  RBWARNTIME: num('rbWarnTime', 'RBWARNTIME (seconds)', 0),
  NOCOMMWARNTIME: num('noCommWarnTime', 'NOCOMMWARNTIME (seconds)', 0),
  OFFDURATION: num('offDuration', 'OFFDURATION (seconds, negative: never)'),
  OVERDURATION: num('overDuration', 'OVERDURATION (seconds, negative: never)'),
  OBLBDURATION: num('obLbDuration', 'OBLBDURATION (seconds)'),
  POLLFAIL_LOG_THROTTLE_MAX: num('pollFailLogThrottleMax', 'POLLFAIL_LOG_THROTTLE_MAX'),
  POWERDOWNFLAG: str((c, v) => {
    c.powerDownFlag = v
  }),
  RUN_AS_USER: str((c, v) => {
    c.runAsUser = v
  }),
  CERTPATH: str((c, v) => {
    c.certPath = v
  }),
  NOTIFYFLAG: {
    args: 2,
    maxArgs: 2,
    handle: (conf, line, sink) => {
      const type = notifyType(line, sink, 'NOTIFYFLAG')
      if (type === undefined) return
      const flags: UpsmonNotifyFlag[] = []
      for (const word of (line.words[2] as string).split('+')) {
        const flag = flagWords.find((f) => f === word)
        if (flag === undefined) {
          sink.warn(
            'bad-value',
            wordAt(line, 2),
            `NOTIFYFLAG: unknown flag '${word}'; upsmon ignores it`,
            adviceFor(word, flagWords, 'flags (upper case, joined with +) are'),
          )
        } else if (!flags.includes(flag)) flags.push(flag)
      }
      conf.notifyFlags[type] = flags
    },
  },
  NOTIFYMSG: {
    args: 2,
    maxArgs: 2,
    handle: (conf, line, sink) => {
      const type = notifyType(line, sink, 'NOTIFYMSG')
      if (type !== undefined) conf.notifyMessages[type] = line.words[2] as string
    },
  },
  ALARMCRITICAL: {
    args: 1,
    maxArgs: 1,
    handle: (conf, line, sink) => {
      const v = readBool(line.words[1] as string, wordAt(line, 1), sink, 'ALARMCRITICAL')
      if (v !== undefined) conf.alarmCritical = v
    },
  },
  SHUTDOWNEXIT: {
    args: 1,
    maxArgs: 1,
    handle: (conf, line, sink) => {
      const word = line.words[1] as string
      if (/^[+-]?\d+$/.test(word)) {
        const n = Number.parseInt(word, 10)
        conf.shutdownExit = n === 0 ? true : n
        return
      }
      const v = parseBool(word)
      if (v === undefined) {
        sink.error(
          'bad-value',
          wordAt(line, 1),
          `SHUTDOWNEXIT: '${word}' is neither a boolean nor seconds`,
          'write yes, no, or a number of seconds (negative: keep running forever)',
        )
      } else conf.shutdownExit = v
    },
  },
  CERTIDENT: {
    args: 2,
    maxArgs: 2,
    handle: (conf, line) => {
      conf.certIdent = { name: line.words[1] as string, password: line.words[2] as string }
    },
  },
  CERTHOST: {
    args: 4,
    maxArgs: 4,
    handle: (conf, line, sink) => {
      const verify = readBool(line.words[3] as string, wordAt(line, 3), sink, 'CERTHOST verify')
      const force = readBool(line.words[4] as string, wordAt(line, 4), sink, 'CERTHOST force')
      if (verify === undefined || force === undefined) return
      conf.certHosts.push({
        host: line.words[1] as string,
        certName: line.words[2] as string,
        verify,
        force,
      })
    },
  },
  CERTVERIFY: {
    args: 1,
    maxArgs: 1,
    handle: (conf, line, sink) => {
      const v = readBool(line.words[1] as string, wordAt(line, 1), sink, 'CERTVERIFY')
      if (v !== undefined) conf.certVerify = v
    },
  },
  FORCESSL: {
    args: 1,
    maxArgs: 1,
    handle: (conf, line, sink) => {
      const v = readBool(line.words[1] as string, wordAt(line, 1), sink, 'FORCESSL')
      if (v !== undefined) conf.forceSsl = v
    },
  },
}

export const upsmonConfDirectives = [...Object.keys(directives), 'DEBUG_MIN']

export function parseUpsmonConf(text: string, file = 'upsmon.conf'): UpsmonConfResult {
  const sink = new DiagnosticSink(file)
  const conf = defaultUpsmonConf()
  for (const line of readConfLines(text, sink)) {
    const name = line.words[0] as string
    if (name.toUpperCase() === 'DEBUG_MIN') {
      const word = line.words[1]
      if (word === undefined)
        sink.error('missing-value', wordAt(line, 0), 'DEBUG_MIN needs a value')
      else {
        const n = readInt(word, wordAt(line, 1), sink, { what: 'DEBUG_MIN', min: 0 })
        if (n !== undefined) conf.debugMin = n
      }
      continue
    }
    const directive = Object.hasOwn(directives, name) ? directives[name] : undefined
    if (directive === undefined) {
      sink.warn(
        'unknown-directive',
        wordAt(line, 0),
        `unknown upsmon.conf directive '${name}'; ignored, as upsmon ignores it`,
        adviceFor(name, upsmonConfDirectives, 'directives (case-sensitive) are'),
      )
      continue
    }
    const given = line.words.length - 1
    if (given < directive.args && name !== 'MONITOR') {
      sink.error(
        'missing-value',
        wordAt(line, 0),
        `${name} needs ${directive.args === 1 ? 'a value' : `${directive.args} values`}`,
      )
      continue
    }
    if (given > directive.maxArgs) {
      sink.warn(
        'extra-words',
        wordAt(line, directive.maxArgs + 1),
        `extra words after ${name} are ignored`,
        'quote a value that holds spaces',
      )
    }
    directive.handle(conf, line, sink)
  }
  // After a refused MONITOR line the sum says nothing new.
  if (!sink.list.some((d) => d.severity === 'error')) checkPower(conf, sink)
  return { conf, diagnostics: sink.list }
}

/** upsmon refuses to start when the MONITOR power values cannot reach MINSUPPLIES. */
function checkPower(conf: UpsmonConf, sink: DiagnosticSink): void {
  const total = conf.monitors.reduce((sum, m) => sum + m.powerValue, 0)
  if (total < conf.minSupplies) {
    sink.warn(
      'insufficient-power',
      { line: 0, column: 0 },
      conf.monitors.length === 0
        ? 'no MONITOR line: upsmon would refuse to start (nutshell monitor --local does not need one)'
        : `the MONITOR power values add up to ${total}, less than MINSUPPLIES ${conf.minSupplies}: upsmon would refuse to start`,
      'add MONITOR lines, or lower MINSUPPLIES',
    )
  }
}
