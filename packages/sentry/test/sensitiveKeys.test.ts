import { describe, expect, it } from 'vitest';
import { isIdentifierKey, isSensitiveKey } from '../src/scrub/sensitiveKeys.js';

describe('sensitive keys', () => {
  it.each([
    'password',
    'Password',
    'db_password',
    'passwd',
    'client-secret',
    'accessToken',
    'refresh_token',
    'Authorization',
    'x-auth',
    'Cookie',
    'set-cookie',
    'session',
    'api_key',
    'apiKey',
    'X-API-KEY',
    'private_key',
    'aws_access_key',
    'credentials',
    'email',
    'E-Mail',
    'creditCard',
    'card_number',
    'cvv',
    'iban',
    'signature',
    'dsn',
    'ip_address',
  ])('%s is sensitive', (key) => {
    expect(isSensitiveKey(key)).toBe(true);
  });

  it.each(['id', 'name', 'quantity', 'note', 'mediaType', 'attempt', 'source', 'status'])(
    '%s is not sensitive',
    (key) => {
      expect(isSensitiveKey(key)).toBe(false);
    },
  );
});

describe('identifier keys', () => {
  it.each([
    'id',
    'uuid',
    'message_id',
    'x-request-id',
    'messageId',
    'trace_id',
    'session_id',
    'mediaType',
    'media_type',
    'contentType',
    'content-type',
  ])('%s is an identifier', (key) => {
    expect(isIdentifierKey(key)).toBe(true);
  });

  it.each(['password', 'paid', 'valid', 'identity', 'idea', 'note', 'type', 'Id'])(
    '%s is not an identifier',
    (key) => {
      expect(isIdentifierKey(key)).toBe(false);
    },
  );
});
