import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/errors/codes.js';
import { MessageCodec } from '../src/messages/MessageCodec.js';
import { schema } from '../src/messages/schema.js';
import { SchemaRegistry } from '../src/messages/SchemaRegistry.js';

const ORDER = 'application/vnd.test.order';
const CUSTOMER = 'application/vnd.test.customer';

@schema(ORDER)
class Order {
  @IsString() id!: string;
  @IsInt() @Min(1) quantity!: number;
  @IsOptional() @IsString() note?: string;
}

class Address {
  @IsString() city!: string;
}

@schema(CUSTOMER)
class Customer {
  @IsString() name!: string;
  @ValidateNested() @Type(() => Address) address!: Address;
}

const codec = new MessageCodec(new SchemaRegistry([Order, Customer]));

describe('MessageCodec.decode', () => {
  it('returns a validated instance of the schema class', async () => {
    const decoded = await codec.decode(ORDER, { id: 'o-1', quantity: 2 });
    expect(decoded).toBeInstanceOf(Order);
    expect(decoded).toEqual(Object.assign(new Order(), { id: 'o-1', quantity: 2 }));
  });

  it('drops fields the schema does not declare', async () => {
    const decoded = await codec.decode(ORDER, { id: 'o-1', quantity: 2, isAdmin: true, mediaType: ORDER });
    expect(decoded).not.toHaveProperty('isAdmin');
    expect(decoded).not.toHaveProperty('mediaType');
    expect(decoded).toMatchObject({ id: 'o-1', quantity: 2 });
  });

  it('finds the schema whatever the case and parameters of the media type', async () => {
    expect(await codec.decode('Application/VND.test.Order; v=1', { id: 'o-1', quantity: 1 })).toBeInstanceOf(
      Order,
    );
  });

  it('an invalid field is MESSAGE_INVALID naming the class and the field', async () => {
    const decoding = codec.decode(ORDER, { id: 'o-1', quantity: 0 });
    await expect(decoding).rejects.toMatchObject({ code: ErrorCodes.MESSAGE_INVALID });
    await expect(decoding).rejects.toThrow(/Order is invalid: quantity: quantity must not be less than 1/);
  });

  it('a missing required field is MESSAGE_INVALID naming the field', async () => {
    await expect(codec.decode(ORDER, { quantity: 3 })).rejects.toThrow(/id: id must be a string/);
  });

  it('names every invalid field', async () => {
    const decoding = codec.decode(ORDER, { id: 7, quantity: 'two' });
    await expect(decoding).rejects.toThrow(/\bid: /);
    await expect(decoding).rejects.toThrow(/\bquantity: /);
  });

  it('names a nested invalid field by its dotted path', async () => {
    const decoding = codec.decode(CUSTOMER, { name: 'Ada', address: { city: 42 } });
    await expect(decoding).rejects.toMatchObject({ code: ErrorCodes.MESSAGE_INVALID });
    await expect(decoding).rejects.toThrow(/address\.city: city must be a string/);
  });

  it('returns a copy of the fields for a media type without a schema', async () => {
    const fields = { anything: 1 };
    const decoded = await codec.decode('application/vnd.test.unknown', fields);
    expect(decoded).toEqual(fields);
    expect(decoded).not.toBe(fields);
  });
});

describe('MessageCodec.encode', () => {
  const wire = async (...args: Parameters<MessageCodec['encode']>): Promise<unknown> =>
    JSON.parse(await codec.encode(...args));

  it('produces {mediaType, ...fields} from plain content', async () => {
    expect(await wire(ORDER, { id: 'o-1', quantity: 2 })).toEqual({
      mediaType: ORDER,
      id: 'o-1',
      quantity: 2,
    });
  });

  it('accepts an instance of the schema class', async () => {
    const order = Object.assign(new Order(), { id: 'o-2', quantity: 5, note: 'fragile' });
    expect(await wire(ORDER, order)).toEqual({ mediaType: ORDER, id: 'o-2', quantity: 5, note: 'fragile' });
  });

  it('drops fields the schema does not declare', async () => {
    expect(await wire(ORDER, { id: 'o-1', quantity: 2, secret: 'x' })).toEqual({
      mediaType: ORDER,
      id: 'o-1',
      quantity: 2,
    });
  });

  it('adds opaqueData when there is some', async () => {
    expect(await wire(ORDER, { id: 'o-1', quantity: 2 }, { 'x-request-id': 'r-1' })).toEqual({
      mediaType: ORDER,
      id: 'o-1',
      quantity: 2,
      opaqueData: { 'x-request-id': 'r-1' },
    });
  });

  it('leaves opaqueData out when it is empty', async () => {
    expect(await wire(ORDER, { id: 'o-1', quantity: 2 }, {})).not.toHaveProperty('opaqueData');
  });

  it('encodes nested objects', async () => {
    expect(await wire(CUSTOMER, { name: 'Ada', address: { city: 'London' } })).toEqual({
      mediaType: CUSTOMER,
      name: 'Ada',
      address: { city: 'London' },
    });
  });

  it('validates: invalid content is MESSAGE_INVALID naming the field', async () => {
    const encoding = codec.encode(ORDER, { id: 'o-1', quantity: -1 });
    await expect(encoding).rejects.toMatchObject({ code: ErrorCodes.MESSAGE_INVALID });
    await expect(encoding).rejects.toThrow(/encode: Order is invalid: quantity/);
  });

  it('a media type without a schema is MEDIA_TYPE_UNKNOWN', async () => {
    await expect(codec.encode('application/vnd.test.unknown', {})).rejects.toMatchObject({
      code: ErrorCodes.MEDIA_TYPE_UNKNOWN,
    });
  });

  it('round-trips through decode', async () => {
    const { mediaType, ...fields } = (await wire(ORDER, { id: 'o-1', quantity: 2 })) as Record<
      string,
      unknown
    >;
    expect(await codec.decode(mediaType as string, fields)).toEqual(
      Object.assign(new Order(), { id: 'o-1', quantity: 2 }),
    );
  });
});
