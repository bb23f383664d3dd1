import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';

/** W3C trace context travels as plain message attributes / headers (`traceparent`, `tracestate`). */
export const attributeGetter: TextMapGetter<Readonly<Record<string, string>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

export const attributeSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};
