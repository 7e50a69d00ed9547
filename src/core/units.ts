/** Quantities carry their unit in their type name (lru-cache's habit) and in their field names. */
export type Bytes = number;
export type SimMs = number;
