/**
 * The NUT driver state-socket protocol (reference: nut-protocol.md section 2): one line per
 * message, parseconf words, LF-terminated. Drivers send state (SETINFO ... DUMPDONE,
 * DATAOK/DATASTALE, PONG, TRACKING); upsd and other clients send requests (DUMPALL, PING,
 * SET, INSTCMD, and master's GETPID, LOGOUT, ...).
 *
 * Pure: strings in, typed values out. Parsing never throws; a line that is not a valid
 * message yields a typed error the caller can count or ignore, as upsd ignores it.
 */
import { encodeArgument, quote } from './encode.ts'
import { type TokenizeErrorKind, tokenizeLine } from './tokenizer.ts'

/** Messages a driver sends (to upsd or any socket client). */
export type DriverToServerMessage =
  | { type: 'SETINFO'; name: string; value: string }
  | { type: 'DELINFO'; name: string }
  | { type: 'ADDENUM'; name: string; value: string }
  | { type: 'DELENUM'; name: string; value: string }
  | { type: 'ADDRANGE'; name: string; min: number; max: number }
  | { type: 'DELRANGE'; name: string; min: number; max: number }
  | { type: 'SETAUX'; name: string; aux: number }
  | { type: 'SETFLAGS'; name: string; flags: string[] }
  | { type: 'ADDCMD'; name: string }
  | { type: 'DELCMD'; name: string }
  | { type: 'DUMPDONE' }
  | { type: 'DATAOK' }
  | { type: 'DATASTALE' }
  | { type: 'PONG' }
  | { type: 'TRACKING'; id: string; code: number }
  /** [master] reply to GETPID. */
  | { type: 'PID'; pid: number }
  /** [master] reply to LOGOUT (`OK Goodbye`). */
  | { type: 'OK'; text: string }

/** Messages upsd (or any socket client) sends to a driver. */
export type ServerToDriverMessage =
  | { type: 'DUMPALL' }
  | { type: 'PING' }
  | { type: 'SET'; name: string; value: string; tracking?: string }
  | { type: 'INSTCMD'; name: string; parameter?: string; tracking?: string }
  /** [master] extensions: 2.8.0 drivers ignore them silently. */
  | { type: 'GETPID' }
  | { type: 'LOGOUT' }
  | { type: 'DUMPVALUE'; name: string }
  | { type: 'DUMPSTATUS' }
  | { type: 'NOBROADCAST' }
  | { type: 'BROADCAST'; level: number }

export type SocketMessage = DriverToServerMessage | ServerToDriverMessage
export type SocketMessageType = SocketMessage['type']

export type SocketParseErrorKind =
  /** The line is not valid parseconf text (control bytes, `#` in quotes, open quote). */
  | 'syntax'
  /** Blank or comment-only line. */
  | 'empty'
  /** First word is not a message of this protocol. */
  | 'unknown-command'
  /** Fewer words than the message needs. */
  | 'missing-arguments'
  /** A word that must be an integer is not one. */
  | 'bad-number'
  /** Word count or keyword that fits no form of the message (SET, INSTCMD). */
  | 'bad-form'

export interface SocketParseError {
  kind: SocketParseErrorKind
  message: string
  /** The words as tokenized, when tokenizing got that far. */
  words: string[]
  /** For `syntax`: what the tokenizer refused. */
  syntax?: TokenizeErrorKind
}

export type SocketParseResult =
  | {
      ok: true
      message: SocketMessage
      /**
       * Words past the ones the message takes (upsd ignores them). A NUT 2.8.0 driver's
       * change broadcast sends values unescaped, so `SETINFO v "a "b" c"` arrives as
       * value `a ` with extra words: the sign of a value that did not survive the trip.
       */
      extraWords: boolean
    }
  | { ok: false; error: SocketParseError }

/** Minimum word counts, command word included (upsd ignores shorter messages). */
const minWords: Record<SocketMessageType, number> = {
  SETINFO: 3,
  DELINFO: 2,
  ADDENUM: 3,
  DELENUM: 3,
  ADDRANGE: 4,
  DELRANGE: 4,
  SETAUX: 3,
  SETFLAGS: 2,
  ADDCMD: 2,
  DELCMD: 2,
  DUMPDONE: 1,
  DATAOK: 1,
  DATASTALE: 1,
  PONG: 1,
  TRACKING: 3,
  PID: 2,
  OK: 1,
  DUMPALL: 1,
  PING: 1,
  SET: 3,
  INSTCMD: 2,
  GETPID: 1,
  LOGOUT: 1,
  DUMPVALUE: 2,
  DUMPSTATUS: 1,
  NOBROADCAST: 1,
  BROADCAST: 1,
}

function isMessageType(word: string): word is SocketMessageType {
  return Object.hasOwn(minWords, word)
}

/** C's atoi, but refusing text with no leading digits at all (garbage, not a number). */
function parseInteger(word: string): number | undefined {
  const match = /^[\s]*([+-]?\d+)/.exec(word)
  if (match?.[1] === undefined) return undefined
  const value = Number.parseInt(match[1], 10)
  return Math.max(-2147483648, Math.min(2147483647, value))
}

function fail(kind: SocketParseErrorKind, message: string, words: string[]): SocketParseResult {
  return { ok: false, error: { kind, message, words } }
}

function ok(message: SocketMessage, extraWords = false): SocketParseResult {
  return { ok: true, message, extraWords }
}

/** Parses one line (without or with its trailing LF). Never throws. */
export function parseSocketLine(line: string): SocketParseResult {
  const tokenized = tokenizeLine(line)
  const words = tokenized.words
  if (tokenized.error !== undefined) {
    return {
      ok: false,
      error: {
        kind: 'syntax',
        message: tokenized.error.message,
        words,
        syntax: tokenized.error.kind,
      },
    }
  }
  const [first] = words
  if (first === undefined) return fail('empty', 'empty line', words)
  const type = first.toUpperCase()
  if (!isMessageType(type)) return fail('unknown-command', `unknown message ${first}`, words)
  if (words.length < minWords[type]) {
    return fail('missing-arguments', `${type} needs ${minWords[type] - 1} argument(s)`, words)
  }
  return parseWords(type, words)
}

function parseWords(type: SocketMessageType, words: string[]): SocketParseResult {
  const a = words[1] ?? ''
  const b = words[2] ?? ''
  const c = words[3] ?? ''
  switch (type) {
    case 'SETINFO':
    case 'ADDENUM':
    case 'DELENUM':
      return ok({ type, name: a, value: b }, words.length > 3)
    case 'DELINFO':
    case 'ADDCMD':
    case 'DELCMD':
    case 'DUMPVALUE':
      return ok({ type, name: a })
    case 'ADDRANGE':
    case 'DELRANGE': {
      const min = parseInteger(b)
      const max = parseInteger(c)
      if (min === undefined || max === undefined) {
        return fail('bad-number', `${type} needs integer bounds`, words)
      }
      return ok({ type, name: a, min, max })
    }
    case 'SETAUX': {
      const aux = parseInteger(b)
      if (aux === undefined) return fail('bad-number', 'SETAUX needs an integer', words)
      return ok({ type, name: a, aux })
    }
    case 'SETFLAGS':
      return ok({ type, name: a, flags: words.slice(2) })
    case 'TRACKING': {
      const code = parseInteger(b)
      if (code === undefined) return fail('bad-number', 'TRACKING needs an integer result', words)
      return ok({ type, id: a, code })
    }
    case 'PID': {
      const pid = parseInteger(a)
      if (pid === undefined) return fail('bad-number', 'PID needs an integer', words)
      return ok({ type, pid })
    }
    case 'OK':
      return ok({ type, text: words.slice(1).join(' ') })
    case 'BROADCAST': {
      if (words.length < 2) return ok({ type, level: 1 })
      const level = parseInteger(a)
      if (level === undefined) return fail('bad-number', 'BROADCAST takes an integer', words)
      return ok({ type, level })
    }
    case 'SET':
      return parseSet(words)
    case 'INSTCMD':
      return parseInstcmd(words)
    case 'DUMPDONE':
    case 'DATAOK':
    case 'DATASTALE':
    case 'PONG':
    case 'DUMPALL':
    case 'PING':
    case 'GETPID':
    case 'LOGOUT':
    case 'DUMPSTATUS':
    case 'NOBROADCAST':
      return ok({ type })
  }
}

function isTrackingWord(word: string | undefined): boolean {
  return word !== undefined && word.toUpperCase() === 'TRACKING'
}

/** SET <var> <value> [TRACKING <id>]: exactly 3 or 5 words, as NUT's drivers accept. */
function parseSet(words: string[]): SocketParseResult {
  const [, name = '', value = '', keyword, id] = words
  if (words.length === 3) return ok({ type: 'SET', name, value })
  if (words.length === 5 && isTrackingWord(keyword) && id !== undefined) {
    return ok({ type: 'SET', name, value, tracking: id })
  }
  return fail('bad-form', 'SET takes <var> <value> [TRACKING <id>]', words)
}

/** INSTCMD <cmd> [<param>] [TRACKING <id>]: 2, 3, 4 or 5 words. */
function parseInstcmd(words: string[]): SocketParseResult {
  const [, name = '', second, third, fourth] = words
  switch (words.length) {
    case 2:
      return ok({ type: 'INSTCMD', name })
    case 3:
      return ok({ type: 'INSTCMD', name, parameter: second ?? '' })
    case 4:
      if (isTrackingWord(second) && third !== undefined) {
        return ok({ type: 'INSTCMD', name, tracking: third })
      }
      break
    case 5:
      if (isTrackingWord(third) && fourth !== undefined) {
        return ok({ type: 'INSTCMD', name, parameter: second ?? '', tracking: fourth })
      }
      break
  }
  return fail('bad-form', 'INSTCMD takes <cmd> [<param>] [TRACKING <id>]', words)
}

/**
 * Control characters would break the line framing (an LF ends the message; NUT drops the
 * others on receipt), so they never go out: each becomes a space.
 */
function clean(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ')
}

/** A name or keyword: bare when it can be. */
function word(text: string): string {
  return encodeArgument(clean(text))
}

/** A value: always quoted and escaped, as NUT's drivers send values (never a raw `#`). */
function value(text: string): string {
  return quote(clean(text))
}

/** One message as a line, without the trailing LF. */
export function encodeSocketMessage(message: SocketMessage): string {
  switch (message.type) {
    case 'SETINFO':
    case 'ADDENUM':
    case 'DELENUM':
      return `${message.type} ${word(message.name)} ${value(message.value)}`
    case 'DELINFO':
    case 'ADDCMD':
    case 'DELCMD':
    case 'DUMPVALUE':
      return `${message.type} ${word(message.name)}`
    case 'ADDRANGE':
    case 'DELRANGE':
      return `${message.type} ${word(message.name)} ${Math.trunc(message.min)} ${Math.trunc(message.max)}`
    case 'SETAUX':
      return `SETAUX ${word(message.name)} ${Math.trunc(message.aux)}`
    case 'SETFLAGS':
      return ['SETFLAGS', word(message.name), ...message.flags.map(word)].join(' ')
    case 'TRACKING':
      return `TRACKING ${word(message.id)} ${Math.trunc(message.code)}`
    case 'PID':
      return `PID ${Math.trunc(message.pid)}`
    case 'OK':
      // Word by word, as parsing joined them: a quote, `#` or backslash in the text stays
      // text (sent raw, `OK "x` would not parse back).
      return message.text === ''
        ? 'OK'
        : `OK ${clean(message.text).split(' ').map(encodeArgument).join(' ')}`
    case 'BROADCAST':
      return `BROADCAST ${Math.trunc(message.level)}`
    case 'SET': {
      const base = `SET ${word(message.name)} ${value(message.value)}`
      return message.tracking === undefined ? base : `${base} TRACKING ${word(message.tracking)}`
    }
    case 'INSTCMD': {
      let line = `INSTCMD ${word(message.name)}`
      if (message.parameter !== undefined) line += ` ${value(message.parameter)}`
      if (message.tracking !== undefined) line += ` TRACKING ${word(message.tracking)}`
      return line
    }
    case 'DUMPDONE':
    case 'DATAOK':
    case 'DATASTALE':
    case 'PONG':
    case 'DUMPALL':
    case 'PING':
    case 'GETPID':
    case 'LOGOUT':
    case 'DUMPSTATUS':
    case 'NOBROADCAST':
      return message.type
  }
}

/** Several messages as one chunk of LF-terminated lines, ready to write. */
export function encodeSocketMessages(messages: readonly SocketMessage[]): string {
  let out = ''
  for (const message of messages) out += `${encodeSocketMessage(message)}\n`
  return out
}

/** Whether a message travels from a driver (true) or to a driver (false). */
export function isDriverToServer(message: SocketMessage): message is DriverToServerMessage {
  switch (message.type) {
    case 'SETINFO':
    case 'DELINFO':
    case 'ADDENUM':
    case 'DELENUM':
    case 'ADDRANGE':
    case 'DELRANGE':
    case 'SETAUX':
    case 'SETFLAGS':
    case 'ADDCMD':
    case 'DELCMD':
    case 'DUMPDONE':
    case 'DATAOK':
    case 'DATASTALE':
    case 'PONG':
    case 'TRACKING':
    case 'PID':
    case 'OK':
      return true
    default:
      return false
  }
}
