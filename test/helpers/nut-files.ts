/**
 * The sample UPS and users of nut-server-fixture.ts as NUT's own files, for tests that run
 * real NUT programs (or nutshell from a NUT config directory) beside them: one place for
 * the text, so the in-memory fixtures and the files cannot drift apart.
 */
import type { UserConfig } from '../../src/config/types.ts'

/**
 * ups.conf lines of the sample `dummy` UPS. Its description holds escaped quotes and an
 * escaped `#`, which upsd must not take for a comment.
 */
export const dummySection: readonly string[] = [
  '[dummy]',
  '\tdriver = dummy-ups',
  '\tport = dummy.dev',
  '\tdesc = "Test \\"quoted\\" UPS \\# not a comment"',
]

/** dummy.dev lines: the variables fillDummy sets that a data file can set. */
export const dummyDev: readonly string[] = [
  'ups.mfr: Acme',
  'ups.model: TestBox 1000',
  'ups.status: OL CHRG',
  'battery.charge: 100',
  'battery.charge.low: 20',
  'battery.runtime: 3600',
  'input.voltage: 230.0',
  'ups.id: "quoted  two-space value"',
]

/** What `upsmon primary` / `upsmon secondary` grants, so the file need not say it again. */
const upsmonActions: Record<'primary' | 'secondary', readonly string[]> = {
  primary: ['LOGIN', 'PRIMARY', 'FSD'],
  secondary: ['LOGIN'],
}

/** upsd.users text that nutshell's reader (and upsd) turn back into `users`. */
export function upsdUsersFile(users: readonly UserConfig[]): string {
  const lines: string[] = []
  for (const user of users) {
    lines.push(`[${user.name}]`)
    if (user.password !== undefined) lines.push(`\tpassword = ${word(user.password)}`)
    const implied = user.upsmon === undefined ? [] : upsmonActions[user.upsmon]
    if (user.upsmon !== undefined) lines.push(`\tupsmon ${user.upsmon}`)
    const actions = user.actions.filter((a) => !implied.includes(a))
    if (actions.length > 0) lines.push(`\tactions = ${actions.join(' ')}`)
    if (user.instcmds.length > 0) {
      lines.push(`\tinstcmds = ${user.instcmds.map((c) => (c === 'all' ? 'ALL' : c)).join(' ')}`)
    }
  }
  return `${lines.join('\n')}\n`
}

/** A value as one parseconf word: quoted (with `"` and `\` escaped) when it must be. */
function word(value: string): string {
  return /^[^\s"\\#=]+$/.test(value) ? value : `"${value.replace(/["\\]/g, '\\$&')}"`
}
