import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { freePort } from '../helpers/ports.ts'
import { waitFor } from '../helpers/wait.ts'
import { startWebhookReceiver } from '../helpers/webhook-receiver.ts'

/**
 * `nutshell serve` with a dummy device replaying a power cut: the rule's notify reaches
 * the log and a webhook receiver started here (rules.notifyWebhooks), its webhook action
 * reaches the same receiver, and an exec action's marker file
 * appears with the device and event in its environment.
 */
const root = fileURLToPath(new URL('../../', import.meta.url))

describe('rules inside nutshell serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nutshell-serve-rules-'))
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('a power cut on a dummy device drives notify, webhook and exec', async () => {
    const receiver = await startWebhookReceiver()
    const { received } = receiver
    const nutPort = await freePort()
    const marker = join(dir, 'marker')
    const script =
      "require('fs').writeFileSync(process.argv[1], process.env.UPSNAME + ' ' + process.env.NOTIFYTYPE)"
    writeFileSync(
      join(dir, 'ups1.seq'),
      'ups.status: OL\nbattery.charge: 100\nTIMER 1\nups.status: OB DISCHRG\nbattery.charge: 40\nTIMER 3600\n',
    )
    writeFileSync(
      join(dir, 'site.rules'),
      `when ups.status has OB and battery.charge < 50 {
  notify "{ups} on battery at {battery.charge} %"
  webhook "${receiver.url}/hook"
}
on ONBATT {
  exec [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(script)}, ${JSON.stringify(marker)}]
}
`,
    )
    writeFileSync(
      join(dir, 'nutshell.yaml'),
      `server:
  listen: [127.0.0.1:${nutPort}]
devices:
  - name: ups1
    driver: dummy-ups
    port: ups1.seq
    options:
      mode: dummy-once
rules:
  files: [site.rules]
  notifyWebhooks: ["${receiver.url}/notify"]
`,
    )
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        `${root}src/cli/main.ts`,
        'serve',
        '--config',
        join(dir, 'nutshell.yaml'),
      ],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let log = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      log += d
    })
    child.stdout.resume()
    try {
      await waitFor(
        // Both POSTs: the rule's webhook and the notify channel's arrive in either order.
        () =>
          existsSync(marker) &&
          received.some((r) => r.path === '/hook') &&
          received.some((r) => r.path === '/notify') &&
          log.includes('ups1 on battery at 40 %'),
        {
          timeoutMs: 20_000,
          what: `marker, webhook and notify (log so far: ${log.slice(-500)})`,
        },
      )
      assert.equal(readFileSync(marker, 'utf8'), 'ups1 ONBATT')
      const hook = received.find((r) => r.path === '/hook')
      const notify = received.find((r) => r.path === '/notify')
      assert.equal(notify?.body?.['text'], 'ups1 on battery at 40 %')
      assert.equal(notify?.body?.['device'], 'ups1')
      assert.equal(hook?.body?.['device'], 'ups1')
      assert.equal(hook?.body?.['status'], 'OB DISCHRG')
    } finally {
      child.kill('SIGTERM')
      if (child.exitCode === null) await once(child, 'exit')
      await receiver.close()
    }
  })
})
