import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The configuration examples of docs/scripts.md, "Running scripts", as the page shows them. */
const docs = readFileSync(fileURLToPath(new URL('../../docs/scripts.md', import.meta.url)), 'utf8')
const section = docs.slice(docs.indexOf('## Running scripts'), docs.indexOf('## Checking a file'))

export const runningExamples = {
  powermanConf: /```powerman\n([\s\S]*?)```/.exec(section)?.[1] ?? '',
  yaml: /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '',
}
