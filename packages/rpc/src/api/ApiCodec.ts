import {
  MessageCodec,
  SchemaRegistry,
  type SwitchyardError,
  schemaMediaType,
  type SchemaClass,
} from '@switchyard/core';
import { RpcErrorCodes, rpcError } from '../errors.js';
import { IDEMPOTENCY_KEY_PATTERN, RpcRequest } from '../wire/RpcRequest.js';
import { apiMetadata, type ApiClass, type ApiMetadata, type MethodMetadata } from './decorators.js';

const cache = new WeakMap<ApiClass, ApiCodec>();

/**
 * A value now, or a Promise of it. The compiled checks settle at once, and a call crosses four of
 * them (parameters and result, on each side): awaiting each as a Promise was a quarter of the
 * promises a call made. A mismatch is always a rejected Promise, never a synchronous throw, as in
 * core's MessageCodec, so `await` on the result is always right.
 */
export type Settling<T> = T | Promise<T>;

/**
 * Validation of one API's parameters, results and event payloads, on the way out and on the way
 * in, with core's codec (compiled validation where the schema allows). A mismatch names the call
 * and the schema. What passes a compiled check is returned as is, not as a Promise (`Settling`).
 */
export class ApiCodec {
  readonly #codec: MessageCodec;

  private constructor(readonly metadata: ApiMetadata) {
    const schemas: SchemaClass[] = [RpcRequest];
    for (const method of metadata.methods.values()) {
      schemas.push(method.params);
      if (method.returns !== undefined) schemas.push(method.returns);
    }
    for (const event of metadata.events.values()) schemas.push(event.payload);
    this.#codec = new MessageCodec(new SchemaRegistry(schemas));
  }

  static of(apiClass: ApiClass): ApiCodec {
    let codec = cache.get(apiClass);
    if (codec === undefined) {
      codec = new ApiCodec(apiMetadata(apiClass));
      cache.set(apiClass, codec);
    }
    return codec;
  }

  get name(): string {
    return this.metadata.name;
  }

  /** The schemas core's pipeline needs to decode this API's messages. */
  get schemas(): SchemaClass[] {
    return [RpcRequest, ...[...this.metadata.events.values()].map((event) => event.payload)];
  }

  method(name: string): MethodMetadata {
    const method = this.metadata.methods.get(name);
    if (method === undefined)
      throw rpcError(
        RpcErrorCodes.USAGE,
        `${this.metadata.className}.${name} is not an @rpc method of the ${this.name} API (its methods: ${list(this.metadata.methods.keys())})`,
      );
    return method;
  }

  /** Validated parameters as JSON data, ready to travel. */
  encodeParams(method: MethodMetadata, params: object): Settling<Record<string, unknown>> {
    return this.#fields(method.params, params, method, 'parameters');
  }

  decodeParams(method: MethodMetadata, params: Record<string, unknown>): Settling<object> {
    return this.#decode(method.params, params, method, 'parameters');
  }

  encodeResult(method: MethodMetadata, result: unknown): Settling<Record<string, unknown> | undefined> {
    if (method.returns === undefined) {
      if (result !== undefined)
        return Promise.reject(
          rpcError(
            RpcErrorCodes.SCHEMA_MISMATCH,
            `${this.#where(method, 'result')} must be empty (the method declares no returns)`,
          ),
        );
      return undefined;
    }
    if (typeof result !== 'object' || result === null)
      return Promise.reject(
        rpcError(
          RpcErrorCodes.SCHEMA_MISMATCH,
          `${this.#where(method, 'result')} must be a ${method.returns.name}, got ${typeof result}`,
        ),
      );
    return this.#fields(method.returns, result, method, 'result');
  }

  decodeResult(method: MethodMetadata, result: unknown): Settling<unknown> {
    if (method.returns === undefined) return undefined;
    if (typeof result !== 'object' || result === null || Array.isArray(result))
      return Promise.reject(
        rpcError(
          RpcErrorCodes.SCHEMA_MISMATCH,
          `${this.#where(method, 'result')} must be a ${method.returns.name} object`,
        ),
      );
    return this.#decode(method.returns, result as Record<string, unknown>, method, 'result');
  }

  /** The event as wire text (media type and fields), validated. */
  async encodeEvent(event: string, payload: object): Promise<{ mediaType: string; body: string }> {
    const metadata = this.metadata.events.get(event);
    if (metadata === undefined)
      throw rpcError(
        RpcErrorCodes.USAGE,
        `${this.metadata.className}.${event} is not an @event of the ${this.name} API (its events: ${list(this.metadata.events.keys())})`,
      );
    const mediaType = mediaTypeOf(metadata.payload);
    try {
      return { mediaType, body: await this.#codec.encode(mediaType, payload) };
    } catch (error) {
      throw mismatch(`${this.name}.${event}: payload`, error);
    }
  }

  /**
   * The call's wire text. Not validated again: the bus builds it from checked parts (names from the
   * API's metadata, a uuid, its inbox, an integer deadline, parameters `encodeParams` validated);
   * only a caller's own idempotency key is checked here. The server validates the envelope.
   */
  encodeRequest(request: RpcRequest): string {
    const key = request.idempotencyKey;
    if (key !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(key))
      throw rpcError(
        RpcErrorCodes.USAGE,
        `${request.api}.${request.method}: idempotencyKey must be 1 to 200 printable ASCII characters without spaces, got ${JSON.stringify(key)}`,
      );
    const { api, method, correlationId, replyTo, deadline, params } = request;
    const envelope = {
      mediaType: RpcRequest.mediaType,
      api,
      method,
      correlationId,
      replyTo,
      deadline,
      params,
    };
    return JSON.stringify(key === undefined ? envelope : { ...envelope, idempotencyKey: key });
  }

  #fields(
    schema: SchemaClass,
    value: object,
    method: MethodMetadata,
    part: Part,
  ): Settling<Record<string, unknown>> {
    const fields = this.#codec.encodeFields(mediaTypeOf(schema), value) as Settling<Record<string, unknown>>;
    if (!(fields instanceof Promise)) return fields;
    return fields.catch((error: unknown) => Promise.reject(mismatch(this.#where(method, part), error)));
  }

  #decode(
    schema: SchemaClass,
    fields: Record<string, unknown>,
    method: MethodMetadata,
    part: Part,
  ): Settling<object> {
    const decoded = this.#codec.decode(mediaTypeOf(schema), fields);
    if (!(decoded instanceof Promise)) return decoded;
    return decoded.catch((error: unknown) => Promise.reject(mismatch(this.#where(method, part), error)));
  }

  /** `example.helloWorld: parameters`, for a mismatch's message (built only when there is one). */
  #where(method: MethodMetadata, part: Part): string {
    return `${this.name}.${method.name}: ${part}`;
  }
}

type Part = 'parameters' | 'result';

const mediaTypes = new WeakMap<SchemaClass, string>();

/** The schema's media type, read from its metadata once (reflect-metadata costs a lookup chain). */
function mediaTypeOf(schema: SchemaClass): string {
  let mediaType = mediaTypes.get(schema);
  if (mediaType === undefined) {
    mediaType = schemaMediaType(schema)!; // checked by @rpc and @event
    mediaTypes.set(schema, mediaType);
  }
  return mediaType;
}

function mismatch(where: string, error: unknown): SwitchyardError {
  const reason = error instanceof Error ? error.message.replace(/^(en|de)code: /, '') : String(error);
  return rpcError(RpcErrorCodes.SCHEMA_MISMATCH, `${where}: ${reason}`);
}

function list(names: Iterable<string>): string {
  const all = [...names];
  return all.length === 0 ? 'none' : all.join(', ');
}
