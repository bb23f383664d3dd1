import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsEnum,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { schema } from '@switchyard/core';

export const REALISTIC_MEDIA_TYPE = 'application/vnd.bench.order-placed';

enum Channel {
  Web = 'web',
  Store = 'store',
  Phone = 'phone',
}

class OrderLine {
  @IsString() @Length(1, 32) sku!: string;
  @IsInt() @Min(1) @Max(1000) quantity!: number;
  @IsNumber() @Min(0) unitPrice!: number;
}

/** Ten fields as a service team writes them: strings, an email, a uuid, an enum, a date, nested lines, numbers. */
@schema(REALISTIC_MEDIA_TYPE)
export class OrderPlaced {
  @IsUUID() orderId!: string;
  @IsString() @Length(1, 64) customerName!: string;
  @IsEmail() customerEmail!: string;
  @IsEnum(Channel) channel!: Channel;
  @IsISO8601() placedAt!: string;
  @IsString() @Length(3, 3) currency!: string;
  @IsInt() @Min(0) sequence!: number;
  @IsOptional() @IsString() note?: string;
  @IsArray() @ValidateNested({ each: true }) @Type(() => OrderLine) lines!: OrderLine[];
  @IsArray() @ArrayMaxSize(20) @IsNumber({}, { each: true }) scores!: number[];
}

/** A valid body of the realistic schema, different per sequence number. */
export function realisticBody(sequence: number): string {
  const hex = sequence.toString(16).padStart(12, '0');
  return JSON.stringify({
    mediaType: REALISTIC_MEDIA_TYPE,
    orderId: `3f2504e0-4f89-41d3-9a0c-${hex}`,
    customerName: `Customer ${sequence}`,
    customerEmail: `customer${sequence}@example.com`,
    channel: ['web', 'store', 'phone'][sequence % 3],
    placedAt: new Date(1_780_000_000_000 + sequence * 1000).toISOString(),
    currency: 'EUR',
    sequence,
    note: sequence % 2 === 0 ? 'leave at the door' : undefined,
    lines: [
      { sku: `sku-${sequence % 97}`, quantity: 1 + (sequence % 5), unitPrice: 9.99 },
      { sku: `sku-${sequence % 89}`, quantity: 2, unitPrice: 19.5 },
    ],
    scores: Array.from({ length: 20 }, (_, index) => (sequence + index) % 100),
  });
}
