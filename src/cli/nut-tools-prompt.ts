/**
 * Asking for a user name, a password or a value, as NUT's upsrw and upscmd do.
 *
 * They block on stdin (C's fgets), and so do we: the reads are synchronous on fd 0 and
 * share one buffer, so a script that pipes "user\npassword\n" into the tool works the same.
 * The password is read like glibc's getpass(): from the controlling terminal with echo off
 * when there is one (prompt on the terminal), otherwise from stdin with the prompt on stderr.
 */
import { spawnSync } from 'node:child_process'
import { closeSync, openSync, readSync, writeSync } from 'node:fs'
import { userInfo } from 'node:os'
import { TextDecoder } from 'node:util'

let buffered = ''
let stdinEnded = false

const decoders = new Map<number, TextDecoder>()

function readChunk(fd: number): string | undefined {
  const bytes = new Uint8Array(4096)
  let decoder = decoders.get(fd)
  if (decoder === undefined) {
    decoder = new TextDecoder()
    decoders.set(fd, decoder)
  }
  for (let attempt = 0; ; attempt++) {
    try {
      const count = readSync(fd, bytes, 0, bytes.length, null)
      if (count === 0) return undefined
      return decoder.decode(bytes.subarray(0, count), { stream: true })
    } catch (error) {
      const code = (error as { code?: string }).code
      // A non-blocking stdin: wait a little and retry, as a blocking fgets would wait.
      if (code === 'EAGAIN' && attempt < 600_000) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10)
        continue
      }
      if (code === 'EOF' || code === 'EAGAIN') return undefined
      throw error
    }
  }
}

/**
 * One line from stdin, with its LF if it had one (C's fgets); `undefined` at end of input
 * with nothing read.
 */
export function readStdinLine(): string | undefined {
  for (;;) {
    const end = buffered.indexOf('\n')
    if (end >= 0) {
      const line = buffered.slice(0, end + 1)
      buffered = buffered.slice(end + 1)
      return line
    }
    if (stdinEnded) break
    const chunk = readChunk(0)
    if (chunk === undefined) stdinEnded = true
    else buffered += chunk
  }
  if (buffered === '') return undefined
  const line = buffered
  buffered = ''
  return line
}

/** Drops the last character, as the NUT tools do to remove the newline fgets keeps. */
export function chopLast(line: string): string {
  return line.slice(0, Math.max(0, line.length - 1))
}

/** The login name of the user running the command (getpwuid), if there is one. */
export function currentUserName(): string | undefined {
  try {
    return userInfo().username
  } catch {
    return undefined
  }
}

/** getpass(): the terminal with echo off, or stdin with the prompt on stderr. */
export function readPassword(prompt: string): string {
  let tty: number | undefined
  try {
    tty = openSync('/dev/tty', 'r+')
  } catch {
    tty = undefined
  }
  if (tty === undefined) {
    process.stderr.write(prompt)
    const line = readStdinLine()
    return line === undefined ? '' : line.replace(/\n$/, '')
  }
  try {
    writeSync(tty, prompt)
    // A shell reads the line with echo off: if Ctrl-C ends us meanwhile, its trap still
    // turns echo back on (Node cannot run a handler while it waits in a blocking read).
    const script =
      "trap 'stty echo 2>/dev/null; exit 130' INT TERM HUP; stty -echo 2>/dev/null; " +
      'IFS= read -r line; status=$?; stty echo 2>/dev/null; printf %s "$line"; exit $status'
    const result = spawnSync('/bin/sh', ['-c', script], {
      stdio: [tty, 'pipe', 'ignore'],
      encoding: 'utf8',
    })
    writeSync(tty, '\n')
    if (result.status === 130 || result.signal !== null) process.exit(130)
    return result.stdout ?? ''
  } finally {
    closeSync(tty)
  }
}
