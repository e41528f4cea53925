import type { Driver } from './driver.ts'

/**
 * A driver whose code is loaded when it is first needed: the broker then carries in memory
 * only the kinds of driver its configuration uses (the NUT C driver bridge and the
 * repeater's NUT client are not loaded for a site of dummy devices, and the reverse).
 */
export class LazyDriver implements Driver {
  private readonly load: () => Promise<Driver>
  private loading: Promise<Driver> | undefined
  private stopped = false

  constructor(load: () => Promise<Driver>) {
    this.load = load
  }

  /** The real driver (loaded once). */
  resolve(): Promise<Driver> {
    this.loading ??= this.load()
    return this.loading
  }

  async start(): Promise<void> {
    const driver = await this.resolve()
    if (!this.stopped) await driver.start()
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.loading !== undefined) await (await this.loading).stop()
  }
}
