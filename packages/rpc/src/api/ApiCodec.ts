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
 * Validation of one API's parameters, results and event payloads, on the way out and on the way
 * in, with core's codec (compiled validation where the schema allows). A mismatch names the call
 * and the schema.
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
  async encodeParams(method: MethodMetadata, params: object): Promise<Record<string, unknown>> {
    return this.#fields(method.params, params, `${this.name}.${method.name}: parameters`);
  }

  async decodeParams(method: MethodMetadata, params: Record<string, unknown>): Promise<object> {
    return this.#decode(method.params, params, `${this.name}.${method.name}: parameters`);
  }

  async encodeResult(method: MethodMetadata, result: unknown): Promise<Record<string, unknown> | undefined> {
    const where = `${this.name}.${method.name}: result`;
    if (method.returns === undefined) {
      if (result !== undefined)
        throw rpcError(
          RpcErrorCodes.SCHEMA_MISMATCH,
          `${where} must be empty (the method declares no returns)`,
        );
      return undefined;
    }
    if (typeof result !== 'object' || result === null)
      throw rpcError(
        RpcErrorCodes.SCHEMA_MISMATCH,
        `${where} must be a ${method.returns.name}, got ${typeof result}`,
      );
    return this.#fields(method.returns, result, where);
  }

  async decodeResult(method: MethodMetadata, result: unknown): Promise<unknown> {
    const where = `${this.name}.${method.name}: result`;
    if (method.returns === undefined) return undefined;
    if (typeof result !== 'object' || result === null || Array.isArray(result))
      throw rpcError(RpcErrorCodes.SCHEMA_MISMATCH, `${where} must be a ${method.returns.name} object`);
    return this.#decode(method.returns, result as Record<string, unknown>, where);
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
    return JSON.stringify({ mediaType: RpcRequest.mediaType, ...request });
  }

  async #fields(schema: SchemaClass, value: object, where: string): Promise<Record<string, unknown>> {
    try {
      return (await this.#codec.encodeFields(mediaTypeOf(schema), value)) as Record<string, unknown>;
    } catch (error) {
      throw mismatch(where, error);
    }
  }

  async #decode(schema: SchemaClass, fields: Record<string, unknown>, where: string): Promise<object> {
    try {
      return await this.#codec.decode(mediaTypeOf(schema), fields);
    } catch (error) {
      throw mismatch(where, error);
    }
  }
}

function mediaTypeOf(schema: SchemaClass): string {
  return schemaMediaType(schema)!; // checked by @rpc and @event
}

function mismatch(where: string, error: unknown): SwitchyardError {
  const reason = error instanceof Error ? error.message.replace(/^(en|de)code: /, '') : String(error);
  return rpcError(RpcErrorCodes.SCHEMA_MISMATCH, `${where}: ${reason}`);
}

function list(names: Iterable<string>): string {
  const all = [...names];
  return all.length === 0 ? 'none' : all.join(', ');
}
