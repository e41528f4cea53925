import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { hideSecrets } from './hide-secrets.ts'

describe('hideSecrets', () => {
  it('masks passwords, tokens and hashes wherever they sit', () => {
    const shown = hideSecrets({
      users: [{ name: 'admin', password: 'pw' }],
      web: { auth: { tokens: [{ name: 'ci', hash: 'scrypt$1$2$3$salt$h' }] } },
      notify: { channels: [{ type: 'gotify', url: 'https://g.example', token: 't0k' }] },
    })
    assert.deepEqual(shown, {
      users: [{ name: 'admin', password: '********' }],
      web: { auth: { tokens: [{ name: 'ci', hash: '********' }] } },
      notify: { channels: [{ type: 'gotify', url: 'https://g.example', token: '********' }] },
    })
  })

  it('hides the path of Discord and Slack webhooks, which is their credential', () => {
    const shown = hideSecrets({
      channels: [
        { type: 'discord', url: 'https://discord.com/api/webhooks/123/SECRET' },
        { type: 'slack', url: 'https://hooks.slack.com/services/T0/B0/SECRET' },
        { type: 'ntfy', url: 'https://ntfy.sh/' },
      ],
    }) as { channels: { url: string }[] }
    assert.deepEqual(
      shown.channels.map((c) => c.url),
      ['https://discord.com/********', 'https://hooks.slack.com/********', 'https://ntfy.sh/'],
    )
  })

  it('hides the password part of any URL', () => {
    const shown = hideSecrets({ url: 'https://bot:hunter2@hook.example/path?q=1' }) as {
      url: string
    }
    assert.equal(shown.url, 'https://bot:********@hook.example/path?q=1')
  })

  it('never leaves a secret string anywhere in the output', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 6 }).filter((s) => !'********'.includes(s)),
        (secret) => {
          const out = JSON.stringify(
            hideSecrets({
              a: { password: secret, list: [{ token: secret }] },
              c: { type: 'slack', url: `https://hooks.slack.com/${encodeURIComponent(secret)}` },
            }),
          )
          return !out.includes(secret) && !out.includes(encodeURIComponent(secret))
        },
      ),
      { seed: 7, numRuns: 500 },
    )
  })
})
