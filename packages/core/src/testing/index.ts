export { TestDaemon, type DeadLetter } from './TestDaemon.js';
export { RecordingProducer } from './RecordingProducer.js';
export { switchyardMatchers, type SwitchyardAssertions } from './matchers.js';
export * from './conformance/index.js';
