/**
 * A real mosquitto broker for a test: a temp config on a free loopback port, no
 * persistence (so a restart forgets every retained message, and whatever is there after
 * it was published again), and the mosquitto_sub/_pub clients against it.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { chmod, copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './ports.ts'
import { run } from './processes.ts'
import { canConnect, waitFor } from './wait.ts'

export interface Mosquitto {
  readonly port: number
  readonly url: string
  /** Stops the broker (SIGTERM, or SIGKILL for a crash) and waits for its exit. */
  stop(signal?: NodeJS.Signals): Promise<void>
  /** Starts it again on the same port. */
  start(): Promise<void>
  /** `mosquitto_sub -v` for `seconds`, or until `count` messages: `[topic, payload]` pairs. */
  sub(
    topic: string,
    options?: { count?: number; seconds?: number; retainedOnly?: boolean },
  ): Promise<Array<[string, string]>>
  pub(topic: string, message: string, options?: { retain?: boolean }): Promise<void>
  /** Subscribes now; resolves with the first `count` messages seen after it. */
  listen(
    topic: string,
    count?: number,
    seconds?: number,
  ): Promise<() => Promise<Array<[string, string]>>>
  close(): Promise<void>
}

export const mosquittoPath = '/usr/sbin/mosquitto'

export interface MosquittoOptions {
  /** A second listener with TLS (PEM files) and this login required on it. */
  tls?: { certFile: string; keyFile: string; user: string; password: string }
}

export async function startMosquitto(
  options: MosquittoOptions = {},
): Promise<Mosquitto & { tlsPort?: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'ns-mosquitto-'))
  const port = await freePort()
  const conf = join(dir, 'mosquitto.conf')
  let text = `per_listener_settings true\nlistener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\n`
  let tlsPort: number | undefined
  if (options.tls !== undefined) {
    tlsPort = await freePort()
    const passwords = join(dir, 'passwd')
    const made = await run('/usr/bin/mosquitto_passwd', [
      '-b',
      '-c',
      passwords,
      options.tls.user,
      options.tls.password,
    ])
    if (made.code !== 0) throw new Error(`mosquitto_passwd: ${made.stderr}`)
    // mosquitto started as root reads these as the `mosquitto` user: copies it can read.
    await chmod(dir, 0o755)
    const certFile = join(dir, 'server-cert.pem')
    const keyFile = join(dir, 'server-key.pem')
    await copyFile(options.tls.certFile, certFile)
    await copyFile(options.tls.keyFile, keyFile)
    for (const file of [certFile, keyFile, passwords]) await chmod(file, 0o644)
    text += `listener ${tlsPort} 127.0.0.1\ncertfile ${certFile}\nkeyfile ${keyFile}\nallow_anonymous false\npassword_file ${passwords}\n`
  }
  await writeFile(conf, text)
  let child: ChildProcess | undefined
  const start = async () => {
    child = spawn(mosquittoPath, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] })
    child.stderr?.resume()
    await waitFor(() => canConnect(port), { what: `mosquitto on ${port}` })
    if (tlsPort !== undefined) await waitFor(() => canConnect(tlsPort as number))
  }
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const c = child
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return
    const exited = once(c, 'exit')
    c.kill(signal)
    await exited
  }
  await start()
  const base = ['-h', '127.0.0.1', '-p', String(port)]
  const parse = (stdout: string): Array<[string, string]> =>
    stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const space = line.indexOf(' ')
        return space < 0 ? [line, ''] : [line.slice(0, space), line.slice(space + 1)]
      })
  const subArgs = (topic: string, count?: number, seconds = 5, retainedOnly = false) => [
    ...base,
    '-v',
    '-t',
    topic,
    '-W',
    String(seconds),
    ...(count === undefined ? [] : ['-C', String(count)]),
    ...(retainedOnly ? ['--retained-only'] : []),
  ]
  return {
    ...(tlsPort === undefined ? {} : { tlsPort }),
    port,
    url: `mqtt://127.0.0.1:${port}`,
    stop,
    start,
    async sub(topic, options = {}) {
      const r = await run(
        '/usr/bin/mosquitto_sub',
        subArgs(topic, options.count, options.seconds, options.retainedOnly),
        { timeoutMs: ((options.seconds ?? 5) + 5) * 1000 },
      )
      return parse(r.stdout)
    },
    async pub(topic, message, options = {}) {
      const r = await run('/usr/bin/mosquitto_pub', [
        ...base,
        '-q',
        '1',
        '-t',
        topic,
        '-m',
        message,
        ...(options.retain === true ? ['-r'] : []),
      ])
      if (r.code !== 0) throw new Error(`mosquitto_pub failed: ${r.stderr}`)
    },
    async listen(topic, count = 1, seconds = 10) {
      // stdbuf: mosquitto_sub's stdout is block-buffered on a pipe, and the SUBACK line
      // must be seen as it happens.
      const sub = spawn(
        '/usr/bin/stdbuf',
        ['-oL', '/usr/bin/mosquitto_sub', ...subArgs(topic, count, seconds), '-d'],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      )
      const done = once(sub, 'close')
      let stdout = ''
      sub.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d
      })
      // -d prints the SUBACK: from then on nothing published is missed.
      await waitFor(() => stdout.includes('SUBACK'), { what: 'mosquitto_sub subscribed' })
      return async () => {
        await done
        return parse(
          stdout
            .split('\n')
            .filter((l) => !/^Client |^Subscribed /.test(l))
            .join('\n'),
        )
      }
    },
    async close() {
      await stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
