/**
 * upsd.users, applied as upsd 2.8.0 applies it (reference: nut-protocol.md 4.4):
 * user names are case-sensitive, the first definition of a user and the first password
 * win, action and command names are case-insensitive, and `upsmon primary|secondary`
 * expands into the grants upsd gives it.
 */
import { adviceFor, type ConfigDiagnostic, type Position } from './diagnostic.ts'
import { type ConfLine, DiagnosticSink, readConfLines, wordAt } from './lines.ts'

export type UpsdAction = 'SET' | 'FSD' | 'LOGIN' | 'PRIMARY'

export interface UpsdUser {
  name: string
  position: Position
  password?: string
  /** Granted actions after expansion, in the order SET, FSD, LOGIN, PRIMARY. */
  actions: UpsdAction[]
  /** Lower-case command names; `all` grants every command. */
  instcmds: string[]
  upsmon?: 'primary' | 'secondary'
}

export interface UpsdUsersResult {
  users: UpsdUser[]
  diagnostics: ConfigDiagnostic[]
}

const actionOrder: readonly UpsdAction[] = ['SET', 'FSD', 'LOGIN', 'PRIMARY']
const actionWords = ['SET', 'FSD', 'LOGIN', 'MASTER', 'PRIMARY']
const userKeys = ['password', 'actions', 'instcmds', 'upsmon']

function grant(user: UpsdUser, action: UpsdAction): void {
  if (!user.actions.includes(action)) {
    user.actions.push(action)
    user.actions.sort((a, b) => actionOrder.indexOf(a) - actionOrder.indexOf(b))
  }
}

function applyUpsmon(user: UpsdUser, word: string, at: Position, sink: DiagnosticSink): void {
  const lower = word.toLowerCase()
  if (lower === 'primary' || lower === 'master') {
    user.upsmon = 'primary'
    grant(user, 'LOGIN')
    grant(user, 'PRIMARY')
    grant(user, 'FSD')
  } else if (lower === 'secondary' || lower === 'slave') {
    if (user.upsmon === undefined) user.upsmon = 'secondary'
    grant(user, 'LOGIN')
  } else {
    sink.error(
      'bad-value',
      at,
      `upsmon '${word}' is not a role; upsd ignores it`,
      'write upsmon primary or upsmon secondary (or the old master / slave)',
    )
  }
}

function applySetting(user: UpsdUser, line: ConfLine, sink: DiagnosticSink): void {
  const words = line.words
  const key = words[0] as string
  const lowerKey = key.toLowerCase()
  // `upsmon primary` works with or without `=`.
  if (lowerKey === 'upsmon' && words.length === 2 && words[1] !== '=') {
    applyUpsmon(user, words[1] as string, wordAt(line, 1), sink)
    return
  }
  if (words.length < 3 || words[1] !== '=') {
    if (words.length === 1 || (words.length === 2 && words[1] === '=')) {
      sink.warn(
        'missing-value',
        wordAt(line, 0),
        `${key} has no value; ignored`,
        `write ${key} = ...`,
      )
    } else {
      sink.warn(
        'syntax',
        wordAt(line, 0),
        `'${words.join(' ')}' is not 'key = value'; upsd ignores it`,
        `write ${key} = ${words.slice(1).join(' ')}`,
      )
    }
    return
  }
  const values = words.slice(2)
  switch (lowerKey) {
    case 'password':
      if (user.password !== undefined) {
        sink.warn(
          'duplicate',
          wordAt(line, 0),
          `a second password for ${user.name} is ignored; the first one wins, as in upsd`,
        )
      } else {
        user.password = values[0] as string
      }
      if (values.length > 1) {
        sink.warn(
          'extra-words',
          wordAt(line, 3),
          'only the first word is the password',
          'quote a password with spaces',
        )
      }
      return
    case 'actions':
      values.forEach((value, i) => {
        const upper = value.toUpperCase()
        if (upper === 'SET' || upper === 'FSD' || upper === 'LOGIN') grant(user, upper)
        else if (upper === 'MASTER' || upper === 'PRIMARY') grant(user, 'PRIMARY')
        else {
          sink.warn(
            'bad-value',
            wordAt(line, i + 2),
            `unknown action '${value}'; upsd ignores it`,
            adviceFor(value, actionWords, 'actions are'),
          )
        }
      })
      return
    case 'instcmds':
      for (const value of values) {
        const lower = value.toLowerCase()
        if (!user.instcmds.includes(lower)) user.instcmds.push(lower)
      }
      return
    case 'upsmon':
      applyUpsmon(user, values[0] as string, wordAt(line, 2), sink)
      return
    case 'allowfrom':
      sink.warn(
        'obsolete',
        wordAt(line, 0),
        'allowfrom is obsolete (NUT 2.4) and ignored',
        'restrict access with LISTEN addresses and a firewall',
      )
      return
    default:
      sink.warn(
        'unknown-key',
        wordAt(line, 0),
        `unknown user setting '${key}'; upsd ignores it`,
        adviceFor(key, userKeys, 'settings are'),
      )
  }
}

export function parseUpsdUsers(text: string, file = 'upsd.users'): UpsdUsersResult {
  const sink = new DiagnosticSink(file)
  const users: UpsdUser[] = []
  let current: UpsdUser | undefined
  let ignoring = false
  for (const line of readConfLines(text, sink)) {
    const first = line.words[0] as string
    if (
      line.words.length === 1 &&
      first.length >= 2 &&
      first.startsWith('[') &&
      first.endsWith(']')
    ) {
      const name = first.slice(1, -1)
      const earlier = users.find((u) => u.name === name)
      if (earlier !== undefined) {
        sink.warn(
          'duplicate',
          wordAt(line, 0),
          `user ${name} is already defined at line ${earlier.position.line}; upsd ignores this one`,
        )
        current = undefined
        ignoring = true
        continue
      }
      current = { name, position: wordAt(line, 0), actions: [], instcmds: [] }
      users.push(current)
      ignoring = false
      continue
    }
    if (current === undefined) {
      if (!ignoring) {
        sink.warn(
          'outside-section',
          wordAt(line, 0),
          'setting outside any [user] section; upsd ignores it',
          'start a user with [name] on its own line',
        )
      }
      continue
    }
    applySetting(current, line, sink)
  }
  for (const user of users) {
    if (user.password === undefined) {
      sink.warn(
        'no-password',
        user.position,
        `user ${user.name} has no password and can never log in`,
        'add password = ...',
      )
    }
  }
  return { users, diagnostics: sink.list }
}
