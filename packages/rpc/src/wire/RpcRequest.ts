import { IsInt, IsObject, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { schema } from '@switchyard/core';

const MEDIA_TYPE = 'application/vnd.switchyard.rpc.request';
/** An idempotency key: 1 to 200 printable ASCII characters, no spaces. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * A call on the wire. The envelope is a schema of its own, so core's pipeline decodes and validates
 * it like any message (a malformed call is dead-lettered with the reason); the parameters inside
 * are validated against the method's schema by the server.
 */
@schema(MEDIA_TYPE)
export class RpcRequest {
  static readonly mediaType = MEDIA_TYPE;

  @IsString() @MaxLength(64) api!: string;
  @IsString() @MaxLength(64) method!: string;
  @IsString() @Matches(/^[A-Za-z0-9-]{1,64}$/) correlationId!: string;
  /** The caller's reply channel, as the transport addresses it. */
  @IsString() @MaxLength(512) replyTo!: string;
  /** Epoch milliseconds after which the caller no longer waits: the server never starts it then. */
  @IsInt() @Min(0) deadline!: number;
  @IsObject() params!: Record<string, unknown>;
  /**
   * Set on calls of `@rpc({ idempotent: true })` methods: every resend of the call carries the same
   * key, and the server runs a key once (see IdempotencyStore).
   */
  @IsOptional() @IsString() @Matches(IDEMPOTENCY_KEY_PATTERN) idempotencyKey?: string;
}
