import { Type } from 'class-transformer';
import { IsArray, IsISO8601, IsObject, IsString, ValidateNested } from 'class-validator';
import { schema } from '@switchyard/core';

export const ROUTED_MEDIA_TYPE = 'application/vnd.switchyard.routed';

/** One stop visited, and when. */
export class RouteStop {
  @IsString() stop!: string;
  @IsISO8601() at!: string;
}

/**
 * The routing slip. `route` holds the stops still to visit after the one the message is at;
 * `originalRoute` is what the busdriver wrote; `history` records every stop visited.
 */
export class RouteHeader {
  @IsArray() @IsString({ each: true }) route!: string[];
  @IsArray() @IsString({ each: true }) originalRoute!: string[];
  @IsArray() @ValidateNested({ each: true }) @Type(() => RouteStop) history!: RouteStop[];
}

/** What travels between stops: `{ header: { route, originalRoute, history }, payload }`. */
@schema(ROUTED_MEDIA_TYPE)
export class RoutedMessage {
  @ValidateNested() @Type(() => RouteHeader) header!: RouteHeader;
  @IsObject() payload!: Record<string, unknown>;
}
