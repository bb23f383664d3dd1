/** Every error code switchyard throws, grouped by area. docs/errors.md lists each one (a test checks). */
export const ErrorCodes = {
  // configuration and start-up
  CONFIG_INVALID: 'SWITCHYARD_CONFIG_INVALID',
  GRAPH_RESOLUTION: 'SWITCHYARD_GRAPH_RESOLUTION',
  HANDLER_CONFLICT: 'SWITCHYARD_HANDLER_CONFLICT',
  SCHEMA_CONFLICT: 'SWITCHYARD_SCHEMA_CONFLICT',
  DECORATOR_MISUSE: 'SWITCHYARD_DECORATOR_MISUSE',
  // messages
  MESSAGE_INVALID: 'SWITCHYARD_MESSAGE_INVALID',
  MESSAGE_TOO_LARGE: 'SWITCHYARD_MESSAGE_TOO_LARGE',
  MEDIA_TYPE_UNKNOWN: 'SWITCHYARD_MEDIA_TYPE_UNKNOWN',
  // handling
  HANDLER_TIMEOUT: 'SWITCHYARD_HANDLER_TIMEOUT',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
