/**
 * Service identifiers for the object graph. Classes (config sections, handlers, the registries)
 * are their own identifiers; these symbols name the contracts that have several implementations.
 */
export const TOKENS = {
  /** The consuming side of the selected transport (`Transport`). */
  Transport: Symbol.for('switchyard.Transport'),
  /** The publishing side of the selected transport (`TransportProducer`). */
  TransportProducer: Symbol.for('switchyard.TransportProducer'),
  /** The daemon's pino `Logger`. */
  Logger: Symbol.for('switchyard.Logger'),
  /** User middleware (`Middleware`), multi-bound, run in binding order. */
  Middleware: Symbol.for('switchyard.Middleware'),
  /** Lifecycle hooks (`LifecycleHook`), multi-bound: started after the daemon starts, stopped after it drains. */
  LifecycleHook: Symbol.for('switchyard.LifecycleHook'),
  /** Sources of attributes for every outgoing message (`OutgoingAttributeSource`), multi-bound. */
  OutgoingAttributes: Symbol.for('switchyard.OutgoingAttributes'),
  /** The daemon's name, as a string. */
  DaemonName: Symbol.for('switchyard.DaemonName'),
} as const;
