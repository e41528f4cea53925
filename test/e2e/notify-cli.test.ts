/** `nutshell notify test CHANNEL`: one message through a configured channel, and its verdict. */
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { run } from '../helpers/processes.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts'

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
const nutshell = (...args: string[]) => run(process.execPath, ['--import', 'tsx', main, ...args])

let dir: string
let receiver: WebhookReceiver
let config: string

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-notify-cli-'))
  receiver = await startWebhookReceiver({ status: (p) => (p === '/gone/message' ? 404 : 200) })
  config = join(dir, 'nutshell.yaml')
  await writeFile(
    config,
    `notify:
  channels:
    - name: phone
      type: ntfy
      url: ${receiver.url}
      topic: ups-alerts
      template: {title: "{{ups}}: {{type}}"}
    - name: gone
      type: gotify
      url: ${receiver.url}/gone
      token: t
      retries: 0
`,
  )
})
after(async () => {
  await receiver.close()
  await rm(dir, { recursive: true, force: true })
})

describe('nutshell notify test', () => {
  it('sends a test message and says it was delivered', async () => {
    const r = await nutshell('notify', 'test', 'phone', '--config', config)
    assert.equal(r.stderr, '')
    assert.equal(r.stdout, 'phone: delivered\n')
    assert.equal(r.code, 0)
    assert.deepEqual(receiver.received.at(-1)?.body, {
      topic: 'ups-alerts',
      title: 'test@localhost: TEST',
      message: 'nutshell test notification',
      priority: 3,
      tags: ['electric_plug'],
    })
  })

  it('says why a message was not delivered, and names the channels it knows', async () => {
    const gone = await nutshell(
      'notify',
      'test',
      'gone',
      '--config',
      config,
      '--log-level',
      'silent',
    )
    assert.equal(gone.code, 1)
    assert.match(gone.stderr, /^nutshell notify test: gone: not delivered: gotify: HTTP 404/)
    const missing = await nutshell('notify', 'test', 'pager', '--config', config)
    assert.equal(missing.code, 1)
    assert.equal(
      missing.stderr,
      "nutshell notify test: no channel 'pager' in notify.channels (channels: phone, gone)\n",
    )
  })

  it('has --help', async () => {
    const r = await nutshell('notify', 'test', '--help')
    assert.equal(r.code, 0)
    assert.match(r.stdout, /^usage: nutshell notify test CHANNEL --config FILE/)
  })
})
