/**
 * Coprocess devices (`"/path/cmd args |&"`): the program is started with its stdin and
 * stdout as the link; its stderr goes to the log. argv[0] is run as given, without a
 * PATH search, as powermand's execv does. Ending the link kills the process.
 */
import { spawn } from 'node:child_process'
import type { Logger } from '../../../core/log.ts'
import type { Link, LinkHandlers, OpenLink } from './transport.ts'

export function coprocessLink(argv: readonly string[], log: Logger): OpenLink {
  return (handlers: LinkHandlers): Link => {
    const [command, ...args] = argv as [string, ...string[]]
    let closed = false
    let reported = false
    const report = (why: string): void => {
      if (closed || reported) return
      reported = true
      handlers.closed(why)
    }
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    child.once('error', (error) => report(`cannot run ${command}: ${error.message}`))
    child.once('spawn', () => {
      if (!closed) handlers.opened()
    })
    child.stdout.on('data', (chunk: Buffer) => {
      if (!closed) handlers.data(chunk.toString('latin1'))
    })
    child.stderr.setEncoding('latin1').on('data', (text: string) => {
      log.debug({ stderr: text.slice(0, 500) }, 'coprocess stderr')
    })
    child.stdin.on('error', () => {})
    child.once('exit', (code, signal) =>
      report(`${command} exited (${signal === null ? `code ${code}` : signal})`),
    )
    return {
      write: (text) => {
        if (!closed && child.stdin.writable) child.stdin.write(text, 'latin1')
      },
      close: () => {
        closed = true
        child.stdin.destroy()
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      },
    }
  }
}
