/** Options of the `remove-service-type` generator (see schema.json). */
export interface RemoveServiceTypeSchema {
  /** The type to remove. */
  name: string;
  /** Remove it even while other types dial or accept it (their edges go too). Default false. */
  force?: boolean;
}
