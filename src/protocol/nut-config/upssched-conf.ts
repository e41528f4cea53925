/**
 * upssched.conf (reference: nut-protocol.md 3.7), read into a typed structure that the
 * rules engine turns into rules. CMDSCRIPT, PIPEFN and LOCKFN must all come before the
 * first AT line (upssched refuses the file otherwise).
 */
import { adviceFor, type ConfigDiagnostic, type Position } from './diagnostic.ts'
import { type ConfLine, DiagnosticSink, readConfLines, wordAt } from './lines.ts'
import { isNotifyType, notifyTypes } from './notify-types.ts'
import { readInt } from './values.ts'

export type UpsschedCommand =
  | { kind: 'start-timer'; timer: string; seconds: number; shared: boolean }
  | { kind: 'cancel-timer'; timer: string; command?: string; matched: boolean }
  | { kind: 'execute'; command: string }

export interface UpsschedAt {
  /** Upper case. */
  notifyType: string
  /** Compared exactly with UPSNAME (the MONITOR system string); `*` matches every UPS. */
  ups: string
  command: UpsschedCommand
  position: Position
}

export interface UpsschedConf {
  cmdScript?: string
  pipeFn?: string
  lockFn?: string
  at: UpsschedAt[]
}

export interface UpsschedConfResult {
  conf: UpsschedConf
  diagnostics: ConfigDiagnostic[]
}

const commandWords = [
  'START-TIMER',
  'CANCEL-TIMER',
  'EXECUTE',
  'START-TIMER-SHARED',
  'CANCEL-TIMER-MATCHED',
]
const directiveWords = ['CMDSCRIPT', 'PIPEFN', 'LOCKFN', 'AT']

function readAt(
  conf: UpsschedConf,
  line: ConfLine,
  sink: DiagnosticSink,
  checked: { done: boolean },
): void {
  const w = line.words
  if (!checked.done) {
    checked.done = true
    const missing = (['CMDSCRIPT', 'PIPEFN', 'LOCKFN'] as const).filter(
      (d) =>
        (d === 'CMDSCRIPT' && conf.cmdScript === undefined) ||
        (d === 'PIPEFN' && conf.pipeFn === undefined) ||
        (d === 'LOCKFN' && conf.lockFn === undefined),
    )
    if (missing.length > 0) {
      sink.error(
        'order',
        wordAt(line, 0),
        `${missing.join(', ')} must be set before the first AT line; upssched refuses the file`,
        `move the ${missing.join(' / ')} line(s) above this one`,
      )
    }
  }
  if (w.length < 5) {
    sink.error(
      'missing-value',
      wordAt(line, 0),
      'AT needs a notify type, a UPS name, a command and its argument',
      'write AT <notifytype> <upsname|*> START-TIMER|CANCEL-TIMER|EXECUTE <arg> [<arg2>]',
    )
    return
  }
  const typeWord = w[1] as string
  if (!isNotifyType(typeWord)) {
    sink.warn(
      'bad-value',
      wordAt(line, 1),
      `unknown notify type '${typeWord}'; this line can never match`,
      adviceFor(typeWord, notifyTypes, 'notify types are'),
    )
  }
  const commandWord = w[3] as string
  const arg1 = w[4] as string
  const arg2 = w[5]
  let command: UpsschedCommand | undefined
  let maxWords = 6
  switch (commandWord) {
    case 'START-TIMER':
    case 'START-TIMER-SHARED': {
      if (arg2 === undefined) {
        sink.error(
          'missing-value',
          wordAt(line, 4),
          `${commandWord} needs a timer name and seconds`,
          `write ${commandWord} ${arg1} 30`,
        )
        return
      }
      const seconds = readInt(arg2, wordAt(line, 5), sink, { what: `${commandWord} seconds` })
      if (seconds === undefined) return
      if (seconds < 0) {
        sink.warn(
          'out-of-range',
          wordAt(line, 5),
          'a negative time is ignored by upssched',
          'write 0 or more seconds',
        )
        return
      }
      command = {
        kind: 'start-timer',
        timer: arg1,
        seconds,
        shared: commandWord === 'START-TIMER-SHARED',
      }
      break
    }
    case 'CANCEL-TIMER':
    case 'CANCEL-TIMER-MATCHED':
      command = {
        kind: 'cancel-timer',
        timer: arg1,
        matched: commandWord === 'CANCEL-TIMER-MATCHED',
      }
      if (arg2 !== undefined) command.command = arg2
      break
    case 'EXECUTE':
      maxWords = 5
      command = { kind: 'execute', command: arg1 }
      break
    default:
      sink.error(
        'bad-value',
        wordAt(line, 3),
        `unknown upssched command '${commandWord}'`,
        adviceFor(commandWord, commandWords, 'commands (upper case) are'),
      )
      return
  }
  if (w.length > maxWords) {
    sink.warn(
      'extra-words',
      wordAt(line, maxWords),
      'extra words are ignored',
      'quote an argument that holds spaces',
    )
  }
  conf.at.push({
    notifyType: typeWord.toUpperCase(),
    ups: w[2] as string,
    command,
    position: wordAt(line, 0),
  })
}

export function parseUpsschedConf(text: string, file = 'upssched.conf'): UpsschedConfResult {
  const sink = new DiagnosticSink(file)
  const conf: UpsschedConf = { at: [] }
  const checked = { done: false }
  for (const line of readConfLines(text, sink)) {
    const name = line.words[0] as string
    if (name === 'AT') {
      readAt(conf, line, sink, checked)
      continue
    }
    if (name === 'CMDSCRIPT' || name === 'PIPEFN' || name === 'LOCKFN') {
      const value = line.words[1]
      if (value === undefined) {
        sink.error('missing-value', wordAt(line, 0), `${name} needs a path`)
        continue
      }
      if (line.words.length > 2) {
        sink.warn(
          'extra-words',
          wordAt(line, 2),
          `extra words after ${name} are ignored`,
          'quote a path that holds spaces',
        )
      }
      if (name === 'CMDSCRIPT') conf.cmdScript = value
      else if (name === 'PIPEFN') conf.pipeFn = value
      else conf.lockFn = value
      continue
    }
    sink.warn(
      'unknown-directive',
      wordAt(line, 0),
      `unknown upssched.conf directive '${name}'; ignored`,
      adviceFor(name, directiveWords, 'directives (case-sensitive) are'),
    )
  }
  return { conf, diagnostics: sink.list }
}
