/**
 * `nutshell web hash-password` and `nutshell web new-token`: the stored forms of a web
 * user's password and of a script's API token, for `web.auth` in the YAML file
 * (docs/web.md). The password is read from the terminal with echo off, or from stdin.
 */
import { hashPassword, newToken } from '../../web/auth/password.ts'
import { type CommandGroup, type CommandSpec, parseSubcommand } from '../args.ts'
import { readPassword } from '../nut-tools-prompt.ts'

export const webHashCommand: CommandSpec = {
  name: 'web hash-password',
  usage: [''],
  summary: "print a web user's password hash (scrypt) for web.auth.users",
  options: {},
  notes: 'Reads the password from the terminal (echo off) or from stdin.',
  examples: ['nutshell web hash-password', "printf 'secret\\n' | nutshell web hash-password"],
}

export const webTokenCommand: CommandSpec = {
  name: 'web new-token',
  usage: [''],
  summary: 'print a new API token and its hash for web.auth.tokens',
  options: {},
  notes:
    'Give the token to the script (Authorization: Bearer TOKEN); put the hash in the YAML file.',
  examples: ['nutshell web new-token'],
}

export const webCommands: CommandGroup = {
  name: 'web',
  summary: 'passwords and tokens for the web face',
  commands: [webHashCommand, webTokenCommand],
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseSubcommand(webCommands, args)
  if (!parsed.ok) return parsed.code
  if (parsed.spec === webTokenCommand) {
    const { token, hash } = newToken()
    process.stdout.write(`token: ${token}\nhash:  ${hash}\n`)
    return 0
  }
  const password = readPassword('Password: ')
  if (password === '') {
    process.stderr.write('nutshell web hash-password: the password is empty\n')
    return 1
  }
  process.stdout.write(`${await hashPassword(password)}\n`)
  return 0
}
