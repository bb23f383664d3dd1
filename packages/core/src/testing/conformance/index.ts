export { transportConformance } from './transportConformance.js';
export { bodyText } from './ConformanceRun.js';
export type {
  ConformanceCapabilities,
  ConformanceMessage,
  ConformanceQueue,
  DeadLetterCopy,
  TransportUnderTest,
} from './types.js';
