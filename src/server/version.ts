/**
 * What nutshell says to `VER` and `server.info`. It starts as upsd's text does, so that
 * the rare program that looks for "upsd 2.8.0" still finds it, and then names nutshell.
 * `server.version` stays "2.8.0" (the NUT release whose protocol we follow).
 */
export const nutshellVersion = '0.1.0'
export const nutshellVersionText = `Network UPS Tools upsd 2.8.0 - nutshell ${nutshellVersion}`
