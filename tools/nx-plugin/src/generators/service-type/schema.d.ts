/** Options of the `service-type` generator, as Nx passes them (see schema.json). */
export interface ServiceTypeSchema {
  /** The new type's name. */
  name: string;
  /** Comma-separated (or repeated) types that may dial the new type. */
  accepts?: string | string[];
  /** Comma-separated (or repeated) types the new type dials. */
  dials?: string | string[];
  /** leafTtl of the new type, a duration such as `24h`. */
  ttl?: string;
}
