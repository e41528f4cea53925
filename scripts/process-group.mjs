// Runs node:test in a process group of its own, so that whatever a killed or crashed test
// leaves behind (a daemon it started) is ended with it; Ctrl-C and SIGTERM reach the whole
// group. Shared by `npm test` and `npm run soak`.
import { spawn } from 'node:child_process'

export function runTestsInGroup(args, env, onExit = () => {}) {
  const child = spawn(process.execPath, args, { stdio: 'inherit', detached: true, env })
  const forward = (signal) => () => {
    try {
      process.kill(-child.pid, signal)
    } catch {}
  }
  process.on('SIGINT', forward('SIGINT'))
  process.on('SIGTERM', forward('SIGTERM'))
  child.on('exit', (code, signal) => {
    try {
      process.kill(-child.pid, 'SIGKILL')
    } catch {
      // the group is already empty
    }
    onExit(code, signal)
    process.exit(code ?? (signal ? 1 : 0))
  })
}
