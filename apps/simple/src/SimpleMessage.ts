import { schema } from '@switchyard/core';
import { IsInt, IsString, MaxLength, Min } from 'class-validator';

export const SIMPLE_MEDIA_TYPE = 'application/vnd.switchyard.simple';

/** The message: a text and when it was written (epoch milliseconds). */
@schema(SIMPLE_MEDIA_TYPE)
export class SimpleMessage {
  @IsString() @MaxLength(1000) message!: string;
  @IsInt() @Min(0) timestamp!: number;
}
