import type { Clock, TimerHandle } from './clock.ts'
import { NutshellError } from './errors.ts'

/**
 * A clock running `factor` times faster than `base`: a 10 s timer fires after 1 s and
 * now() moves 10 ms per real millisecond. `nutshell demo --speed N` runs its whole story
 * (the device's replay, the monitor, the rules) on one, so a 90 s power cut plays in a
 * few seconds with every part keeping the same time.
 */
export function scaledClock(base: Clock, factor: number): Clock {
  // The demo checks --speed first: a bad factor here is a bug.
  if (!(factor > 0) || !Number.isFinite(factor))
    throw new NutshellError('NS_INTERNAL', `clock speed factor ${factor} must be > 0`)
  const start = base.now()
  const wallStart = base.wallNow()
  return {
    now: () => start + (base.now() - start) * factor,
    wallNow: () => wallStart + (base.now() - start) * factor,
    setTimeout: (callback, ms): TimerHandle => base.setTimeout(callback, ms / factor),
    setInterval: (callback, ms): TimerHandle => base.setInterval(callback, ms / factor),
  }
}
