import 'reflect-metadata';
import { ConsumerDaemon, handles, injectable, schema, type MessageHandler } from '@switchyard/core';
import { IsString } from 'class-validator';
import { sentryPlugin } from '../../src/index.js';

@schema('application/vnd.test.note')
export class Note {
  @IsString() id!: string;
}

@handles(Note)
@injectable()
export class NoteHandler implements MessageHandler<Note> {
  handle(): void {}
}

export class NoteDaemon extends ConsumerDaemon {
  readonly name = 'note-daemon';
  override readonly handlers = [NoteHandler];
  override readonly plugins = [sentryPlugin];
}
