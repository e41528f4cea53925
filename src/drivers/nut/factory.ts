/**
 * The entry point the driver registry uses for "other drivers": every ups.conf driver
 * that is not one of nutshell's built-ins is a NUT C driver run through its state socket.
 */
export { createNutDriver, defaultDriverPath, driverSocketPath, NutDriver } from './nut-driver.ts'
