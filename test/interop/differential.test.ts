/**
 * The differential test: Debian's real upsd 2.8.0 with real dummy-ups, and nutshell
 * (startBroker on the same NUT config directory and .dev file), get the same corpus of
 * requests over raw TCP; the replies must be identical, except the VER text and the
 * documented deliberate differences listed below, each with its reason.
 */
import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { type Broker, startBroker } from '../../src/broker/broker.ts'
import { loadNutConfigDir } from '../../src/config/nut-dir.ts'
import { dummyDev, dummySection, upsdUsersFile } from '../helpers/nut-files.ts'
import { type RealNut, startRealNut } from '../helpers/nut-peer.ts'
import { sampleUsers } from '../helpers/nut-server-fixture.ts'
import { waitFor } from '../helpers/wait.ts'

const files: Record<string, string> = {
  'ups.conf': [
    'maxretry = 3',
    ...dummySection,
    '[nodesc]',
    '\tdriver = dummy-ups',
    '\tport = nodesc.dev',
    '[devfile]',
    '\tdriver = dummy-ups',
    '\tport = devfile.dev',
    '',
  ].join('\n'),
  'dummy.dev': [...dummyDev, 'custom.eq: a=b', ''].join('\n'),
  'nodesc.dev': 'ups.status: OB LB\nbattery.charge: 5\n',
  // device.* set by the file, no TIMER: see the deliberate differences below.
  'devfile.dev': 'device.mfr: File Maker\ndevice.model: File Model 9\nups.status: OL\n',
  'upsd.users': upsdUsersFile(sampleUsers),
}

/**
 * Requests whose reply differs on purpose. Key: the request line; value: nutshell's reply
 * and why (docs/compatibility.md); `upsd`, when given, pins upsd's reply too.
 */
const deliberate: Record<
  string,
  { nutshell: string; why: string; upsd?: string; upsdSilent?: true }
> = {
  'GET VAR devfile device.mfr': {
    nutshell: 'VAR devfile device.mfr "File Maker"',
    upsd: 'VAR devfile device.mfr "Dummy Manufacturer"',
    why: "the file's device.* values are served; dummy-ups 2.8.0 overwrites them at start-up with its ups.mfr default (until the file changes)",
  },
  'GET VAR devfile device.model': {
    nutshell: 'VAR devfile device.model "File Model 9"',
    upsd: 'VAR devfile device.model "Dummy UPS"',
    why: "the file's device.* values are served; dummy-ups 2.8.0 overwrites them at start-up with its ups.model default (until the file changes)",
  },
  VER: { nutshell: '<VER>', why: 'VER names nutshell' },
  'GET VAR dummy server.info': { nutshell: '<INFO>', why: 'server.info names nutshell' },
  'GET VAR nosuch SERVER.INFO': { nutshell: '<INFO>', why: 'server.info names nutshell' },
  'GET\u0000 VAR dummy ups.status': {
    nutshell: 'ERR INVALID-ARGUMENT',
    why: 'control bytes are refused, not silently dropped',
  },
  'GET VAR dummy ups.status\u0001': {
    nutshell: 'ERR INVALID-ARGUMENT',
    why: 'control bytes are refused, not silently dropped',
  },
  'GET UPS\u00e9DESC dummy': {
    nutshell: 'ERR INVALID-ARGUMENT',
    why: 'UTF-8 is kept, so the sub-command is UPSéDESC, which does not exist',
  },
  'GET VAR "dummy\tx" ups.status': {
    nutshell: 'ERR INVALID-ARGUMENT',
    why: 'a tab inside quotes is refused, not dropped',
  },
  'SET VAR dummy ups.id "a#b"': {
    nutshell: 'ERR INVALID-ARGUMENT',
    why: 'upsd sends no reply at all to an unescaped # in quotes',
  },
  'GET VAR "dummy ups.status': {
    nutshell: 'ERR INVALID-ARGUMENT',
    why: 'an unclosed quote ends at the end of the line; upsd runs on into the next line',
    upsdSilent: true,
  },
}

type Step = { session: string; line: string } | { session: string; close: true } | { sleep: number }

const steps: Step[] = []
const on = (session: string, ...lines: string[]): void => {
  for (const line of lines) steps.push({ session, line })
}

// Without credentials: every read command, good and bad arguments, case variants.
on(
  'anon',
  'VER',
  'VER extra',
  'NETVER',
  'NETVER 1',
  'PROTVER',
  'HELP',
  'help',
  'HELP me',
  '',
  '   ',
  '# just a comment',
  'ATTACH dummy',
  'DETACH dummy',
  'PING',
  'NUMATTACH dummy',
  'GETVAR dummy ups.status',
  'STARTTLS',
  'starttls',
  'LIST UPS',
  'list ups',
  'LIST UPS extra',
  'LIST',
  'LIST FOO',
  'LIST FOO bar',
  'LIST FOO bar baz',
  'LIST VAR',
  'LIST VAR dummy',
  'LIST VAR DUMMY',
  'list var Dummy',
  'LIST VAR nodesc',
  'LIST VAR nosuch',
  'LIST VAR dummy extra',
  'LIST RW dummy',
  'LIST RW NoDesc',
  'LIST RW nosuch',
  'LIST CMD dummy',
  'LIST CMD DUMMY',
  'LIST CMD nosuch',
  'LIST ENUM dummy',
  'LIST ENUM dummy ups.id',
  'LIST ENUM dummy no.such',
  'LIST ENUM nosuch ups.id',
  'LIST RANGE dummy battery.charge',
  'LIST RANGE dummy no.such',
  'LIST RANGE nosuch x',
  'LIST CLIENT dummy',
  'LIST CLIENT DUMMY',
  'LIST CLIENT nosuch',
  'LIST CLIENTS dummy',
  'LIST CLIENT',
  'GET',
  'GET VAR',
  'GET VAR dummy',
  'GET VAR dummy ups.status',
  'get var DUMMY UPS.STATUS',
  'GET var dummy Ups.Status extra words',
  'GET VAR dummy ups.id',
  'GET VAR dummy custom.eq',
  'GET VAR dummy battery.charge',
  'GET VAR nodesc ups.status',
  'GET VAR devfile device.mfr',
  'GET VAR devfile device.model',
  'GET VAR dummy no.such',
  'GET VAR nosuch ups.status',
  'GET VAR dum"my" ups.status',
  'GET VAR du\\mmy ups.status',
  'GET VAR "dummy" "ups.status"',
  'GET VAR dummy=ups.status',
  'GET VAR dummy ups.status # comment',
  'GET VAR dummy ups.status\r',
  `GET VAR dummy ${'x'.repeat(600)}`,
  'GET VAR nosuch server.version',
  'GET VAR dummy SERVER.VERSION',
  'GET VAR dummy server.info',
  'GET VAR nosuch SERVER.INFO',
  'GET VAR dummy server.other',
  'GET VAR dummy server',
  'GET TYPE dummy ups.id',
  'GET TYPE dummy UPS.ID',
  'GET TYPE dummy battery.charge',
  'GET TYPE dummy battery.charge.low',
  'GET TYPE dummy ups.status',
  'GET TYPE dummy driver.name',
  'GET TYPE dummy custom.eq',
  'GET TYPE dummy no.such',
  'GET TYPE nosuch ups.id',
  'GET TYPE dummy',
  'GET DESC dummy ups.status',
  'GET DESC dummy UPS.STATUS',
  'GET DESC dummy battery.charge',
  'GET DESC dummy custom.eq',
  'GET DESC dummy no.such',
  'GET DESC nosuch ups.status',
  'GET DESC dummy',
  'GET CMDDESC dummy load.off',
  'GET CMDDESC dummy LOAD.OFF',
  'GET CMDDESC dummy shutdown.return',
  'GET CMDDESC dummy no.such',
  'GET CMDDESC nosuch load.off',
  'GET UPSDESC dummy',
  'GET UPSDESC DUMMY',
  'GET UPSDESC nodesc',
  'GET UPSDESC nosuch',
  'GET UPSDESC',
  'GET NUMLOGINS dummy',
  'GET NUMLOGINS nosuch',
  'GET NUMLOGINS',
  'GET NUMATTACH dummy',
  'GET FOO dummy x',
  'GET TRACKING',
  'GET TRACKING 1234',
  'GET tracking ABCD extra',
  `VER ${Array.from({ length: 41 }, () => 'a').join(' ')}`,
  'GET\u0000 VAR dummy ups.status',
  'GET VAR dummy ups.status\u0001',
  'GET UPS\u00e9DESC dummy',
  'GET VAR "dummy\tx" ups.status',
)
// Commands that need credentials, before and after each of USERNAME and PASSWORD.
on(
  'auth',
  'LOGIN dummy',
  'PRIMARY dummy',
  'MASTER dummy',
  'FSD dummy',
  'SET VAR dummy ups.id x',
  'SET TRACKING ON',
  'INSTCMD dummy load.off',
  'set var dummy ups.id x',
  'PASSWORD early',
  'PASSWORD again',
  'LOGIN dummy',
  'USERNAME',
  'USERNAME a b',
  'USERNAME viewer',
  'USERNAME again',
  'LOGIN dummy',
  'FSD dummy',
  'SET VAR dummy ups.id x',
)
on(
  'viewer',
  'USERNAME viewer',
  'PASSWORD viewpass',
  'LOGIN dummy',
  'PRIMARY dummy',
  'MASTER dummy',
  'FSD dummy',
  'SET VAR dummy ups.id x',
  'SET VAR dummy no.such x',
  'INSTCMD dummy load.off',
  'INSTCMD dummy no.such',
  'SET TRACKING ON',
  'GET TRACKING',
  'GET TRACKING 1234',
  'SET TRACKING off',
  'GET TRACKING',
  'SET TRACKING maybe',
  'SET TRACKING',
)
on(
  'wrongpw',
  'USERNAME admin',
  'PASSWORD wrong',
  'SET VAR dummy ups.id x',
  'SET VAR dummy no.such x',
  'SET VAR nosuch ups.id x',
  'INSTCMD dummy load.off',
  'FSD dummy',
  'LOGIN dummy',
)
on('ghost', 'USERNAME ghost', 'PASSWORD adminpass', 'SET VAR dummy ups.id x', 'LOGIN dummy')
on('nopass', 'USERNAME nopass', 'PASSWORD ""', 'SET VAR dummy ups.id x', 'SET TRACKING ON')
on(
  'cmdonly',
  'USERNAME cmdonly',
  'PASSWORD cmdpass',
  'INSTCMD dummy load.off',
  'INSTCMD dummy LOAD.OFF 5',
  'INSTCMD dummy load.off 5 6',
  'INSTCMD dummy no.such',
  'INSTCMD nosuch load.off',
  'INSTCMD dummy',
  'INSTCMD',
  'SET VAR dummy ups.id x',
)
on(
  'mons',
  'USERNAME mons',
  'PASSWORD secpass',
  'LOGIN nosuch',
  'LOGIN DUMMY',
  'LOGIN dummy',
  'LOGIN nodesc',
  'PRIMARY dummy',
  'LOGIN',
  'LOGIN a b',
)
on('mons2', 'USERNAME mons', 'PASSWORD secpass', 'LOGIN Dummy')
on('anon', 'GET NUMLOGINS dummy', 'GET NUMLOGINS DUMMY', 'LIST CLIENT dummy', 'LIST CLIENT Dummy')
steps.push({ session: 'mons2', close: true })
on(
  'admin',
  'USERNAME admin',
  'PASSWORD adminpass',
  'SET',
  'SET VAR',
  'SET VAR dummy',
  'SET VAR dummy ups.id',
  'SET FOO a b c',
  'SET VAR nosuch ups.id x',
  'SET VAR dummy no.such x',
  'SET VAR dummy driver.name x',
  'SET VAR dummy ups.id "this value is definitely longer than sixteen"',
  'SET VAR dummy ups.id "exactly sixteen!"',
  'SET VAR dummy ups.id "with space"',
  'SET VAR dummy ups.id two words',
  'SET VAR dummy battery.charge notanumber',
  'set var DUMMY UPS.ID lower',
  'SET VAR dummy ups.id "a#b"',
  'INSTCMD dummy load.off',
  'INSTCMD dummy no.such',
  'SET TRACKING ON',
  'GET TRACKING',
  'GET TRACKING 00000000-0000-4000-8000-000000000000',
  'SET VAR dummy ups.id tracked',
)
steps.push({ sleep: 1_500 })
// {id} is the tracking id each server gave in its last OK TRACKING reply.
on('admin', 'GET TRACKING {id}', 'INSTCMD dummy load.off')
steps.push({ sleep: 1_000 })
on('admin', 'GET TRACKING {id}', 'SET TRACKING OFF', 'GET TRACKING {id}')
on('anon', 'GET VAR dummy ups.id', 'GET VAR dummy battery.charge', 'LIST RW dummy')
on('mons', 'LOGOUT extra', 'LOGOUT')
steps.push({ sleep: 300 })
on('anon', 'GET NUMLOGINS dummy', 'LIST CLIENT dummy')
on(
  'monp',
  'USERNAME monp',
  'PASSWORD p@ssw0rd',
  'PRIMARY dummy',
  'MASTER dummy',
  'primary nosuch',
  'FSD',
  'FSD a b',
  'FSD nosuch',
  'FSD dummy',
)
on('anon', 'GET VAR dummy ups.status', 'GET VAR DUMMY ups.status', 'GET VAR nodesc ups.status')
on('admin', 'FSD nodesc', 'FSD nodesc')
on(
  'anon',
  'GET VAR nodesc ups.status',
  'LIST VAR dummy',
  'LIST RW dummy',
  'LIST CLIENT dummy',
  'GET VAR "dummy ups.status',
)
steps.push({ session: 'anon', close: true })

const sentinel = 'GET VAR sentinel server.version'
const sentinelReply = 'VAR sentinel server.version "2.8.0"\n'

/** One connection to one server: send a line, collect its reply up to the sentinel's. */
class Probe {
  private text = ''
  private closed = false
  /** The tracking id of the last `OK TRACKING` reply on this connection. */
  lastId = ''
  private wake: (() => void) | undefined
  private readonly socket: Socket
  private constructor(socket: Socket) {
    this.socket = socket
    socket.setEncoding('latin1')
    socket.on('data', (d: string) => {
      this.text += d
      this.wake?.()
    })
    socket.on('close', () => {
      this.closed = true
      this.wake?.()
    })
    socket.on('error', () => {})
  }

  static open(port: number, localAddress = '127.0.0.1'): Promise<Probe> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1', localAddress })
      socket.once('connect', () => resolve(new Probe(socket)))
      socket.once('error', reject)
    })
  }

  async ask(request: string, separately: boolean): Promise<string> {
    const line = request.replace('{id}', this.lastId)
    this.socket.write(`${line}\n`, 'latin1')
    if (separately) {
      // upsd drops the rest of its read buffer after a parse error and sends nothing.
      await new Promise((resolve) => setTimeout(resolve, 200))
    } else {
      // Send the sentinel once the reply has begun: written together, upsd's two replies
      // would wait on each other through Nagle and delayed ACKs (40 ms a request).
      await this.until(() => this.text.length > 0 || this.closed, line)
    }
    if (!this.closed) this.socket.write(`${sentinel}\n`)
    let reply = ''
    await this.until(() => {
      const at = this.text.indexOf(sentinelReply)
      if (at >= 0) {
        reply = this.text.slice(0, at)
        this.text = this.text.slice(at + sentinelReply.length)
        return true
      }
      if (this.closed) {
        reply = `${this.text}<closed>`
        this.text = ''
        return true
      }
      return false
    }, line)
    const id = /^OK TRACKING (\S+)$/m.exec(reply)?.[1]
    if (id !== undefined) this.lastId = id
    return reply
  }

  /** Sends a line that gets no reply (upsd after an unclosed quote). */
  send(line: string): void {
    this.socket.write(`${line}\n`, 'latin1')
  }

  private async until(done: () => boolean, line: string): Promise<void> {
    const deadline = Date.now() + 8_000
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`no reply to ${JSON.stringify(line)}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100)
        this.wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
  }

  close(): void {
    this.socket.destroy()
  }
}

function normalise(reply: string): string {
  return reply
    .replace(/[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}/g, '<ID>')
    .replace(/^Network UPS Tools upsd 2\.8\.0 - .*$/m, '<VER>')
    .replace(/^VAR (\S+) server\.info ".*"$/m, '<INFO>')
    .trimEnd()
}

/**
 * Sessions that fail authorisation connect from addresses of their own (all of 127/8 is
 * loopback): nutshell slows repeated failures per source address, and the corpus is about
 * replies, not about that delay (test/e2e/server-abuse.test.ts covers it).
 */
const sourceAddress: Record<string, string> = {
  auth: '127.0.0.2',
  wrongpw: '127.0.0.3',
  ghost: '127.0.0.4',
  nopass: '127.0.0.5',
  // A second logged-in client, so that LIST CLIENT shows upsd's order (newest connection first).
  mons2: '127.0.0.6',
}

/** Requests after which upsd's reply buffer is lost, so the sentinel is sent separately. */
const parseErrors = new Set(['SET VAR dummy ups.id "a#b"'])

describe('differential: real upsd 2.8.0 and nutshell on the same config directory', () => {
  let nut: RealNut
  let broker: Broker

  before(async () => {
    nut = await startRealNut(files, ['dummy', 'nodesc', 'devfile'])
    const loaded = await loadNutConfigDir(nut.dir.etc, { env: nut.dir.env })
    assert.ok(loaded.ok, JSON.stringify(loaded.diagnostics))
    // Same directory, same files; only the port differs (upsd holds the one in upsd.conf).
    const config = {
      ...loaded.value,
      server: { ...loaded.value.server, listen: [{ host: '127.0.0.1', port: 0 }] },
    }
    broker = await startBroker(config)
    const port = broker.addresses()[0]?.port as number
    await waitFor(
      async () => {
        const probe = await Probe.open(port)
        const reply = await probe.ask('GET VAR dummy ups.id', false)
        probe.close()
        return reply.startsWith('VAR dummy ups.id "quoted  two-space value"')
      },
      { what: 'nutshell serving the .dev file' },
    )
    // dummy-ups copies ups.mfr/model to device.* on its second update: wait for both sides.
    const nsPort = port
    await waitFor(
      async () => {
        const checks = await Promise.all(
          [nut.port, nsPort].flatMap((p) =>
            ['dummy', 'nodesc', 'devfile'].map(async (ups) => {
              const probe = await Probe.open(p)
              const reply = await probe.ask(`GET VAR ${ups} device.model`, false)
              probe.close()
              return reply.startsWith('VAR ')
            }),
          ),
        )
        return checks.every(Boolean)
      },
      { what: 'device.model on both servers' },
    )
    // ... and has made that copy over the file's own device.* lines (pinned in `deliberate`).
    await waitFor(
      async () => {
        const probe = await Probe.open(nut.port)
        const reply = await probe.ask('GET VAR devfile device.model', false)
        probe.close()
        return reply.startsWith('VAR devfile device.model "Dummy UPS"')
      },
      { what: "dummy-ups' start-up copy of ups.model to device.model" },
    )
  })
  after(async () => {
    await broker?.stop()
    await nut?.stop()
  })

  it('answers the corpus as upsd does', async () => {
    const requests = steps.filter((s) => 'line' in s).length
    assert.ok(requests >= 150, `corpus has ${requests} requests`)
    const port = broker.addresses()[0]?.port as number
    const sessions = new Map<string, { upsd: Probe; nutshell: Probe }>()
    const mismatches: string[] = []
    try {
      for (const step of steps) {
        if ('sleep' in step) {
          await new Promise((resolve) => setTimeout(resolve, step.sleep))
          continue
        }
        let pair = sessions.get(step.session)
        if (pair === undefined) {
          const from = sourceAddress[step.session]
          pair = { upsd: await Probe.open(nut.port, from), nutshell: await Probe.open(port, from) }
          sessions.set(step.session, pair)
        }
        if ('close' in step) {
          pair.upsd.close()
          pair.nutshell.close()
          sessions.delete(step.session)
          continue
        }
        const t0 = Date.now()
        const separately = parseErrors.has(step.line)
        const expected = deliberate[step.line]
        let theirs = '<no reply>'
        if (expected?.upsdSilent === true) pair.upsd.send(step.line)
        else theirs = await pair.upsd.ask(step.line, separately)
        const t1 = Date.now()
        const ours = await pair.nutshell.ask(step.line, separately)
        if (process.env['DIFF_TIMING'])
          console.log(t1 - t0, Date.now() - t1, JSON.stringify(step.line).slice(0, 40))
        const want = expected === undefined ? normalise(theirs) : expected.nutshell
        if (expected?.upsd !== undefined && normalise(theirs) !== expected.upsd) {
          mismatches.push(
            `${step.session}: ${JSON.stringify(step.line)}\n  upsd:     ${JSON.stringify(normalise(theirs))}\n  (pinned upsd reply ${JSON.stringify(expected.upsd)} changed)`,
          )
        }
        if (normalise(ours) !== want) {
          mismatches.push(
            `${step.session}: ${JSON.stringify(step.line)}\n  upsd:     ${JSON.stringify(normalise(theirs))}\n  nutshell: ${JSON.stringify(normalise(ours))}${expected === undefined ? '' : `\n  (expected ${JSON.stringify(want)}: ${expected.why})`}`,
          )
        }
      }
    } finally {
      for (const pair of sessions.values()) {
        pair.upsd.close()
        pair.nutshell.close()
      }
    }
    assert.equal(mismatches.length, 0, mismatches.join('\n'))
  })
})
