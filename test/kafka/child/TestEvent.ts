import { schema } from '@switchyard/core';
import { IsInt, IsString, Min } from 'class-validator';

export const EVENT_MEDIA_TYPE = 'application/vnd.switchyard.test-event';

/** The test message: which key it belongs to and its sequence number within that key. */
@schema(EVENT_MEDIA_TYPE)
export class TestEvent {
  @IsString() key!: string;
  @IsInt() @Min(0) seq!: number;
}
