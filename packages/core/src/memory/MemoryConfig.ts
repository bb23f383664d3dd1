import { IsInt, IsString, Min } from 'class-validator';
import { configSection } from '../config/configSection.js';

/** The embedded in-memory bus. Env: `<DAEMON>__MEMORY__<KEY>`. */
@configSection('memory')
export class MemoryConfig {
  /** Queue the daemon consumes; empty means the daemon's name. */
  @IsString() queue = '';
  /** Seconds a received message stays leased before it is delivered again. */
  @IsInt() @Min(1) visibilityTimeoutSeconds = 30;
  /** How long one receive waits for messages, in milliseconds. */
  @IsInt() @Min(1) waitMs = 1000;
}
