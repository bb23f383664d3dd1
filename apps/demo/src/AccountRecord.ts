import { IsIn, IsInt, IsString, Matches, Min } from 'class-validator';
import { schema } from '@switchyard/core';

export const STATES = ['CA', 'NY', 'TX', 'WA'] as const;
export const TYPES = ['retail', 'business'] as const;

/** A raw client record, as the pusher sends it (the account numbers are fake). */
@schema('application/vnd.switchyard.demo.account')
export class AccountRecord {
  @IsString() @Matches(/^ACC-\d{6}$/) account!: string;
  @IsIn(STATES) state!: string;
  @IsIn(TYPES) type!: string;
  @IsInt() @Min(0) amountCents!: number;
}
