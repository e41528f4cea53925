/**
 * nutshell's NUT server alone in a process, on the sample store, for tests that need it in
 * a process of its own (a low file-descriptor limit, a kill). Prints the port when ready.
 * Usage: node --import tsx test/helpers/nut-server-child.ts
 */
import { silentLogger } from '../../src/core/log.ts'
import { sampleStore, startTestServer } from './nut-server-fixture.ts'

const running = await startTestServer({ store: sampleStore().store, log: silentLogger() })
process.stdout.write(`${running.port}\n`)
process.on('SIGTERM', () => {
  void running.stop().then(() => process.exit(0))
})
