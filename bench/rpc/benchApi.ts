// The work both sides do per call: validate a small quote request, multiply, answer. switchyard's
// API class here; Moleculer's action with the same parameters and rules in moleculerSide.ts.
import { IsInt, IsNumber, IsString, Length, Min } from 'class-validator';
import { injectable, schema } from '@switchyard/core';
import { api, rpc } from '@switchyard/rpc';

@schema('application/vnd.bench.rpc.quote-request')
export class QuoteRequest {
  @IsString() @Length(1, 40) orderId!: string;
  @IsInt() @Min(0) quantity!: number;
  @IsNumber() unitPrice!: number;
}

@schema('application/vnd.bench.rpc.quote')
export class Quote {
  @IsString() orderId!: string;
  @IsNumber() total!: number;
}

@api('bench')
@injectable()
export class BenchApi {
  @rpc({ returns: Quote })
  async quote(params: QuoteRequest): Promise<Quote> {
    return quoteOf(params);
  }
}

export const quoteOf = ({ orderId, quantity, unitPrice }: QuoteRequest): Quote => ({
  orderId,
  total: quantity * unitPrice,
});

/** The payload of every call, on every side (about 60 bytes of JSON). */
export const payload = (sequence: number): QuoteRequest => ({
  orderId: `order-${sequence % 100_000}`,
  quantity: 1 + (sequence % 7),
  unitPrice: 9.99,
});
