import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { login, startWebFixture, type WebFixture } from '../../test/helpers/web-fixture.ts'

describe('web API', () => {
  let f: WebFixture
  before(async () => {
    f = await startWebFixture()
  })
  after(() => f.stop())

  it('refuses an anonymous request and serves a logged-in viewer', async () => {
    const anon = await f.web.app.inject({ url: '/api/devices' })
    assert.equal(anon.statusCode, 401)
    const { cookie } = await login(f.web, 'vera', 'viewer-pw')
    const res = await f.web.app.inject({ url: '/api/devices', headers: { cookie } })
    assert.equal(res.statusCode, 200)
    const [ups] = res.json() as Array<Record<string, unknown>>
    assert.deepEqual(
      {
        name: ups?.['name'],
        status: ups?.['status'],
        charge: ups?.['charge'],
        inputVoltage: ups?.['inputVoltage'],
      },
      { name: 'ups1', status: 'OL', charge: 100, inputVoltage: 230.1 },
    )
  })

  it('runs a command as operator with tracking, audited; refuses the viewer', async () => {
    const viewer = await login(f.web, 'vera', 'viewer-pw')
    const refused = await f.web.app.inject({
      method: 'POST',
      url: '/api/devices/ups1/commands/test.battery.start',
      headers: { cookie: viewer.cookie, 'x-csrf-token': viewer.csrf },
      payload: {},
    })
    assert.equal(refused.statusCode, 403)
    const op = await login(f.web, 'otto', 'operator-pw')
    const res = await f.web.app.inject({
      method: 'POST',
      url: '/api/devices/ups1/commands/TEST.BATTERY.START',
      headers: { cookie: op.cookie, 'x-csrf-token': op.csrf },
      payload: { parameter: '10' },
    })
    assert.equal(res.statusCode, 200, res.body)
    const body = res.json() as { tracking: string; result: string }
    assert.equal(body.result, 'SUCCESS')
    assert.deepEqual(f.requests.at(-1), {
      kind: 'instcmd',
      name: 'test.battery.start',
      value: '10',
    })
    const tracked = await f.web.app.inject({
      url: `/api/tracking/${body.tracking}`,
      headers: { cookie: op.cookie },
    })
    assert.equal((tracked.json() as { result: string }).result, 'SUCCESS')
    const audit = await f.web.app.inject({ url: '/api/audit', headers: { cookie: op.cookie } })
    const last = (audit.json() as Array<Record<string, string>>).at(-1)
    assert.equal(last?.['user'], 'otto')
    assert.equal(last?.['action'], 'instcmd')
    assert.equal(last?.['address'], '127.0.0.1')
  })

  it('sets a variable only as admin, checked as upsd checks it', async () => {
    const op = await login(f.web, 'otto', 'operator-pw')
    const put = (who: { cookie: string; csrf: string }, variable: string, value: string) =>
      f.web.app.inject({
        method: 'PUT',
        url: `/api/devices/ups1/variables/${variable}`,
        headers: { cookie: who.cookie, 'x-csrf-token': who.csrf },
        payload: { value },
      })
    assert.equal((await put(op, 'ups.id', 'a')).statusCode, 403)
    const admin = await login(f.web, 'ada', 'admin-pw')
    assert.equal((await put(admin, 'ups.id', 'rack2')).statusCode, 200)
    const tooLong = await put(admin, 'ups.id', 'far-too-long')
    assert.equal(tooLong.statusCode, 400)
    assert.equal((tooLong.json() as { code: string }).code, 'TOO-LONG')
    assert.equal((await put(admin, 'ups.mfr', 'x')).statusCode, 400)
    assert.equal((await put(admin, 'no.such', 'x')).statusCode, 404)
  })

  it('refuses a state change without the CSRF token or from another origin', async () => {
    const op = await login(f.web, 'otto', 'operator-pw')
    const url = '/api/devices/ups1/outlets/1'
    const none = await f.web.app.inject({
      method: 'POST',
      url,
      headers: { cookie: op.cookie },
      payload: { state: 'off' },
    })
    assert.equal(none.statusCode, 403)
    const wrong = await f.web.app.inject({
      method: 'POST',
      url,
      headers: { cookie: op.cookie, 'x-csrf-token': 'nope' },
      payload: { state: 'off' },
    })
    assert.equal(wrong.statusCode, 403)
    const foreign = await f.web.app.inject({
      method: 'POST',
      url,
      headers: { cookie: op.cookie, 'x-csrf-token': op.csrf, origin: 'http://evil.example' },
      payload: { state: 'off' },
    })
    assert.equal(foreign.statusCode, 403)
    const ok = await f.web.app.inject({
      method: 'POST',
      url,
      headers: {
        cookie: op.cookie,
        'x-csrf-token': op.csrf,
        origin: 'http://localhost:80',
        host: 'localhost:80',
      },
      payload: { state: 'off' },
    })
    assert.equal(ok.statusCode, 200, ok.body)
    assert.deepEqual(f.requests.at(-1), {
      kind: 'instcmd',
      name: 'outlet.1.load.off',
      value: undefined,
    })
  })

  it('sets session cookies HttpOnly and SameSite=Strict; logout ends the session', async () => {
    const res = await f.web.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { name: 'vera', password: 'viewer-pw' },
    })
    const header = ([] as string[]).concat(res.headers['set-cookie'] ?? [])
    const session = header.find((h) => h.startsWith('nutshell_session='))
    assert.match(session ?? '', /HttpOnly/)
    assert.match(session ?? '', /SameSite=Strict/)
    assert.doesNotMatch(session ?? '', /Secure/)
    const { cookie, csrf } = await login(f.web, 'vera', 'viewer-pw')
    const out = await f.web.app.inject({
      method: 'POST',
      url: '/api/logout',
      headers: { cookie, 'x-csrf-token': csrf },
    })
    assert.equal(out.statusCode, 200)
    assert.equal(
      (await f.web.app.inject({ url: '/api/devices', headers: { cookie } })).statusCode,
      401,
    )
  })

  it('serves a mounted plain handler', async () => {
    f.web.mountHandler(
      '/metrics',
      (req) => ({
        status: 200,
        headers: { 'content-type': 'text/plain' },
        body: `q=${req.query['x']}`,
      }),
      { role: 'public' },
    )
    const res = await f.web.app.inject({ url: '/metrics?x=1' })
    assert.equal(res.statusCode, 200)
    assert.equal(res.body, 'q=1')
  })
})
