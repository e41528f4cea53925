/**
 * `nutshell upsc` and Debian's upsc over STARTTLS, against nutshell's server with a
 * certificate (Debian's upsd needs an NSS database for TLS; nutshell takes a PEM file).
 * Both negotiate TLS without verifying the certificate. stdout and the exit code must be
 * identical; on stderr Debian's NSS build adds its own notices (documented in
 * docs/tools.md), which are removed before comparing.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { NutClient } from '../../src/client/nut-client.ts'
import { type RunningServer, startTlsTestServer } from '../helpers/nut-server-fixture.ts'
import { run } from '../helpers/processes.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** The notices Debian's libupsclient (NSS build) prints around a TLS connection. */
const nssNotices = [
  /^Init SSL without certificate database$/,
  /^Connecting in SSL to '.*' \(no certificate name specified\)$/,
  /^Do not intend to authenticate server .*$/,
  /^SSL handshake done successfully with server .*$/,
  /^Connected to NUT server .* in SSL$/,
  /^Certificate verification is disabled$/,
]

describe('upsc over STARTTLS: nutshell = Debian', () => {
  let running: RunningServer

  before(async () => {
    running = await startTlsTestServer()
  })
  after(async () => {
    await running?.stop()
  })

  test('same stdout, stderr (less NSS notices) and exit code', async () => {
    // nutshell's upsc connects as this client does (tls: 'try'): TLS is really in use.
    const probe = await NutClient.connect({ host: '127.0.0.1', port: running.port, tls: 'try' })
    assert.equal(probe.secure, true)
    assert.equal(await probe.getVar('dummy', 'ups.status'), 'OL CHRG')
    await probe.close()
    const at = `127.0.0.1:${running.port}`
    const cases = [[`dummy@${at}`, 'ups.status'], ['-L', at], [`dummy@${at}`], [`nosuch@${at}`]]
    for (const args of cases) {
      const [real, ours] = await Promise.all([
        run('upsc', args),
        run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'upsc', ...args], {
          cwd: root,
        }),
      ])
      assert.match(real.stderr, /SSL handshake done successfully/, 'Debian upsc used TLS')
      const stderr = real.stderr
        .split('\n')
        .filter((line) => !nssNotices.some((notice) => notice.test(line)))
        .join('\n')
      assert.deepEqual(
        { code: ours.code, stdout: ours.stdout, stderr: ours.stderr },
        { code: real.code, stdout: real.stdout, stderr },
        `upsc ${args.join(' ')}`,
      )
    }
  })
})
