import { context, propagation } from '@opentelemetry/api';
import type { OutgoingAttributeSource } from '@switchyard/core';
import { attributeSetter } from './attributeCarrier.js';

/** Puts the active trace context on every outgoing message, so its consumer's span becomes a child. */
export class TraceContextAttributes implements OutgoingAttributeSource {
  attributes(): Record<string, string> {
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier, attributeSetter);
    return carrier;
  }
}
