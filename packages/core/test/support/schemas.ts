import 'reflect-metadata';
import { IsString } from 'class-validator';
import { schema } from '../../src/messages/schema.js';

/** Two minimal schemas for registry and decorator tests. */
@schema('application/vnd.test.order')
export class Order {
  @IsString() id!: string;
}

@schema('application/vnd.test.invoice')
export class Invoice {
  @IsString() id!: string;
}
