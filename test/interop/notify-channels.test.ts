/**
 * The notification channels against real receivers: e-mail through a real SMTP server
 * (Debian's python3-aiosmtpd, plain and STARTTLS), and ntfy, Gotify, Telegram, Discord
 * and Slack against local HTTP receivers that check the request each service documents
 * (shared/reference/integrations.md §4). A hanging channel delays none of the others.
 */
import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { pino } from 'pino'
import { serviceChannels } from '../../src/actions/channels/index.ts'
import { Notifier } from '../../src/actions/notifier.ts'
import { CommandRunner } from '../../src/actions/run-command.ts'
import { notifySchema } from '../../src/config/schema/notify.ts'
import { systemClock } from '../../src/core/clock.ts'
import { freePort } from '../helpers/ports.ts'
import { makeTestCertificate } from '../helpers/tls-cert.ts'
import { canConnect, waitFor } from '../helpers/wait.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts'

let dir: string
const logs: Array<Record<string, unknown>> = []
const log = pino(
  { level: 'debug' },
  { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) },
)
const smtp: Array<{ child: ChildProcess; output: () => string }> = []

async function startSmtp(tls?: {
  cert: string
  key: string
}): Promise<{ port: number; output: () => string }> {
  const port = await freePort()
  const args = ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`]
  if (tls !== undefined) args.push('--tlscert', tls.cert, '--tlskey', tls.key)
  const child = spawn('/usr/bin/python3', args, {
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let text = ''
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    text += d
  })
  child.stderr?.resume()
  const entry = { child, output: () => text }
  smtp.push(entry)
  await waitFor(() => canConnect(port), { what: 'aiosmtpd' })
  return { port, output: entry.output }
}

function channels(config: unknown) {
  return serviceChannels(notifySchema.parse(config), {
    clock: systemClock,
    log,
    resolvePath: (p) => resolve(dir, p),
  })
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-notify-'))
})
after(async () => {
  for (const s of smtp) s.child.kill('SIGKILL')
  await rm(dir, { recursive: true, force: true })
})

const notice = {
  type: 'ONBATT',
  ups: 'rack1@localhost',
  text: 'UPS rack1@localhost on battery <now> & then',
}

describe('notification services as each documents its request', () => {
  let receiver: WebhookReceiver
  before(async () => {
    receiver = await startWebhookReceiver({
      status: (path) =>
        path.startsWith('/slack') || path.startsWith('/bot')
          ? 200
          : path === '/discord'
            ? 204
            : 200,
      reply: (path) =>
        path.startsWith('/slack')
          ? 'ok'
          : path.startsWith('/bot')
            ? JSON.stringify({ ok: true, result: { message_id: 1 } })
            : '{}',
    })
  })
  after(() => receiver.close())

  it('ntfy: JSON publish to the root with topic, title, priority, tags and a bearer token', async () => {
    const [ch] = channels({
      channels: [
        { name: 'phone', type: 'ntfy', url: receiver.url, topic: 'ups-alerts', token: 'tk_abc' },
      ],
    })
    await ch?.deliver(notice)
    const r = receiver.received.at(-1)
    assert.equal(r?.method, 'POST')
    assert.equal(r?.path, '/')
    assert.equal(r?.contentType, 'application/json')
    assert.equal(r?.headers['authorization'], 'Bearer tk_abc')
    assert.deepEqual(r?.body, {
      topic: 'ups-alerts',
      title: 'nutshell: ONBATT rack1@localhost',
      message: notice.text,
      priority: 4,
      tags: ['warning', 'electric_plug'],
    })
  })

  it('Gotify: POST /message with X-Gotify-Key and message, title, priority', async () => {
    const [ch] = channels({
      channels: [
        { name: 'g', type: 'gotify', url: `${receiver.url}/`, token: 'AppTok', priority: 6 },
      ],
    })
    await ch?.deliver(notice)
    const r = receiver.received.at(-1)
    assert.equal(r?.path, '/message')
    assert.equal(r?.headers['x-gotify-key'], 'AppTok')
    assert.deepEqual(r?.body, {
      title: 'nutshell: ONBATT rack1@localhost',
      message: notice.text,
      priority: 6,
    })
  })

  it('Telegram: /bot<token>/sendMessage with chat_id and HTML-escaped text', async () => {
    const [ch] = channels({
      channels: [
        { name: 't', type: 'telegram', url: receiver.url, token: '123:ABC', chatId: -1001 },
      ],
    })
    await ch?.deliver(notice)
    const r = receiver.received.at(-1)
    assert.equal(r?.path, '/bot123:ABC/sendMessage')
    assert.deepEqual(r?.body, {
      chat_id: -1001,
      text: '<b>nutshell: ONBATT rack1@localhost</b>\nUPS rack1@localhost on battery &lt;now&gt; &amp; then',
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    })
  })

  it('Discord: content, username and no mentions; Slack: text with & < > escaped, reply "ok"', async () => {
    const [discord, slack] = channels({
      channels: [
        { name: 'd', type: 'discord', url: `${receiver.url}/discord` },
        {
          name: 's',
          type: 'slack',
          url: `${receiver.url}/slack/T1/B1/x`,
          template: { title: '{{ups}}', message: '{{type}} at {{time}}: {{message}} {{nope}}' },
        },
      ],
    })
    await discord?.deliver(notice)
    const d = receiver.received.at(-1)
    assert.equal(d?.path, '/discord')
    assert.deepEqual(d?.body, {
      content: `**nutshell: ONBATT rack1@localhost**\n${notice.text}`,
      username: 'nutshell',
      allowed_mentions: { parse: [] },
    })
    await slack?.deliver(notice)
    const s = receiver.received.at(-1)
    assert.equal(s?.path, '/slack/T1/B1/x')
    const text = String(s?.body?.['text'])
    assert.match(
      text,
      /^\*rack1@localhost\*\nONBATT at \d{4}-\d\d-\d\dT[\d:.]+Z: UPS rack1@localhost on battery &lt;now&gt; &amp; then \{\{nope\}\}$/,
    )
  })

  it('retries with backoff after a 500, and dead-letters a permanent 4xx to a bounded file', async () => {
    let calls = 0
    const flaky = await startWebhookReceiver({
      status: () => (++calls < 3 ? 500 : 200),
      reply: () => '{}',
    })
    const bad = await startWebhookReceiver({ status: () => 403 })
    try {
      const [ok, refused] = channels({
        deadLetterFile: 'dead.jsonl',
        deadLetterMax: 1,
        channels: [
          {
            name: 'flaky',
            type: 'gotify',
            url: flaky.url,
            token: 't',
            retries: 3,
            retryDelay: '10ms',
          },
          {
            name: 'refused',
            type: 'gotify',
            url: bad.url,
            token: 't',
            retries: 3,
            retryDelay: '10ms',
          },
        ],
      })
      await ok?.deliver(notice)
      assert.equal(flaky.received.length, 3)
      await refused?.deliver(notice)
      await refused?.deliver({ ...notice, type: 'ONLINE' })
      assert.equal(bad.received.length, 2, 'a 403 is not retried')
      const current = (await readFile(join(dir, 'dead.jsonl'), 'utf8')).trim().split('\n')
      const older = (await readFile(join(dir, 'dead.jsonl.1'), 'utf8')).trim().split('\n')
      assert.equal(current.length, 1)
      assert.equal(older.length, 1)
      const letter = JSON.parse(current[0] as string) as Record<string, unknown>
      assert.equal(letter['channel'], 'refused')
      assert.equal(letter['type'], 'ONLINE')
      assert.match(String(letter['error']), /HTTP 403/)
    } finally {
      await flaky.close()
      await bad.close()
    }
  })
})

describe('e-mail through a real SMTP server (aiosmtpd)', () => {
  it('sends over plain SMTP', async () => {
    const server = await startSmtp()
    const [mail] = channels({
      channels: [
        {
          name: 'ops',
          type: 'email',
          host: '127.0.0.1',
          port: server.port,
          from: 'ups@example.com',
          to: ['ops@example.com'],
        },
      ],
    })
    await mail?.deliver(notice)
    await waitFor(() => server.output().includes('X-Nutshell-Event: ONBATT'), {
      what: 'mail printed',
    })
    assert.match(server.output(), /Subject: nutshell: ONBATT rack1@localhost/)
    assert.match(server.output(), /To: ops@example.com/)
  })

  it('upgrades with STARTTLS, verifying the server against a configured CA', async () => {
    const cert = makeTestCertificate(dir, 'smtp')
    const server = await startSmtp({ cert: cert.certFile, key: cert.keyFile })
    const [mail, unverified] = channels({
      channels: [
        {
          name: 'tls',
          type: 'email',
          host: 'localhost',
          port: server.port,
          requireTls: true,
          caFile: cert.certFile,
          from: 'ups@example.com',
          to: ['ops@example.com'],
          retries: 0,
        },
        // Without the CA the self-signed certificate is refused: nothing is sent in clear.
        {
          name: 'noca',
          type: 'email',
          host: 'localhost',
          port: server.port,
          from: 'a@b',
          to: ['c@d'],
          retries: 0,
        },
      ],
    })
    await mail?.deliver(notice)
    await waitFor(() => server.output().includes('X-Nutshell-Event: ONBATT'), {
      what: `mail over TLS ${JSON.stringify(logs.filter((l) => l['channel'] === 'tls'))}`,
    })
    await unverified?.deliver({ ...notice, type: 'LOWBATT' })
    assert.ok(!server.output().includes('X-Nutshell-Event: LOWBATT'))
    const given = logs.find((l) => l['channel'] === 'noca' && String(l['msg']).includes('given up'))
    assert.match(String(given?.['error']), /certificate/)
  })
})

describe('a hanging channel beside four others', () => {
  it('delays none of them: all four arrive before the hanging one times out', async () => {
    const receiver = await startWebhookReceiver({
      status: () => 200,
      reply: (p) => (p.startsWith('/slack') ? 'ok' : JSON.stringify({ ok: true })),
    })
    const hanging = await startWebhookReceiver({ answer: false })
    try {
      const all = channels({
        channels: [
          { name: 'dead', type: 'ntfy', url: hanging.url, topic: 'x', timeout: '5s', retries: 0 },
          { name: 'n', type: 'ntfy', url: receiver.url, topic: 'x' },
          { name: 'g', type: 'gotify', url: receiver.url, token: 't' },
          { name: 't', type: 'telegram', url: receiver.url, token: '1:A', chatId: 1 },
          { name: 's', type: 'slack', url: `${receiver.url}/slack` },
        ],
      })
      const notifier = new Notifier({
        log,
        runner: new CommandRunner({ clock: systemClock, log }),
        notifyFlags: { ONBATT: [] },
        notifyMessages: {},
        syslog: false,
        wall: false,
        serviceChannels: all,
      })
      notifier.notify('ONBATT', 'rack1@localhost')
      await waitFor(() => receiver.received.length === 4, { what: 'four deliveries' })
      const deadLine = () =>
        logs.find((l) => l['channel'] === 'dead' && String(l['msg']).includes('given up'))
      assert.equal(deadLine(), undefined, 'the hanging channel had not timed out yet')
      await notifier.settled()
      assert.match(String(deadLine()?.['error']), /timed out after 5000 ms/)
    } finally {
      await receiver.close()
      await hanging.close()
    }
  })
})
