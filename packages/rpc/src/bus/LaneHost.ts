import type { BoundHandler, SchemaClass } from '@switchyard/core';

/** A daemon that can consume one more queue through its pipeline (a served API, a listener). */
export interface LaneHost {
  openLane(queue: string, schemas: readonly SchemaClass[], handler: BoundHandler): Promise<void>;
}
