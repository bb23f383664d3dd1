import type { BoundHandler, SchemaClass } from '@switchyard/core';
import type { Lane } from '../wire/RpcWire.js';

/** A daemon that can consume one more lane through its pipeline (a served API, a listener). */
export interface LaneHost {
  openLane(lane: Lane, schemas: readonly SchemaClass[], handler: BoundHandler): Promise<void>;
}
