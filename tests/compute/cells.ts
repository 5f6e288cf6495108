/** Every object in parsed JSON that looks like a cell (has `suppressed`), with its path. */
export function cellsIn(json: unknown, path = '$'): { path: string; cell: Record<string, unknown> }[] {
  if (Array.isArray(json)) return json.flatMap((item, i) => cellsIn(item, `${path}[${i}]`));
  if (json === null || typeof json !== 'object') return [];
  const record = json as Record<string, unknown>;
  const own = 'suppressed' in record ? [{ path, cell: record }] : [];
  return [...own, ...Object.entries(record).flatMap(([key, value]) => cellsIn(value, `${path}.${key}`))];
}
