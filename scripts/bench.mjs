#!/usr/bin/env node
// Runs the benchmarks in bench/ one after another (they measure; running them side by
// side would measure each other). `npm run bench -- NAME` runs those whose name has NAME.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'

const filter = process.argv.slice(2)
const benches = readdirSync('bench')
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filter.length === 0 || filter.some((f) => name.includes(f)))
  .sort()
if (benches.length === 0) {
  console.error('bench: no benchmark matched')
  process.exit(1)
}
let failed = 0
for (const name of benches) {
  console.log(`\n=== ${name} ===`)
  const result = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}`], {
    stdio: 'inherit',
  })
  if (result.status !== 0) failed++
}
process.exit(failed === 0 ? 0 : 1)
