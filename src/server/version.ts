/**
 * What nutshell says to `VER` and `server.info`. It starts as upsd's text does, so that
 * the rare program that looks for "upsd 2.8.0" still finds it, and then names nutshell.
 * `server.version` stays the NUT release whose protocol we follow.
 */
import { nutshellVersion, nutVersion } from '../core/version.ts'

export const nutshellVersionText = `Network UPS Tools upsd ${nutVersion} - nutshell ${nutshellVersion}`
