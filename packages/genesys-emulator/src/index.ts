/** The Genesys Cloud emulator: what the service, its tests, its bench and its development launcher use. */
export { startGenesysEmulator, type EmulatorOptions, type RunningEmulator } from './emulator-server';
export type { DemoShop } from './messenger-loader.routes';
export type { EmulatorControl, EmulatorCounters, IngestedMessage } from './emulator-control';
export { EmulatorEnvironment, emulatorOptionsFromEnvironment } from './emulator.config';
export { EmulatorConfigurationError } from './environment';
export type { Clock } from './clock';
export { DEFAULT_INBOUND_FLOW, type InboundFlowData } from './participant-data';
export { readJson, startTestEmulator, type TestEmulator } from './test-emulator';
