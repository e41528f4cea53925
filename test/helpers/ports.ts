import { createServer } from 'node:net'

/**
 * A TCP port that was free a moment ago on 127.0.0.1. Real NUT programs need a port in a
 * config file, so we cannot hand them port 0; the window for a clash is tiny.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port)
        else reject(new Error('no port'))
      })
    })
  })
}
