/** The given fields whose values differ from the current ones: a revision records only real changes. */
export function onlyChanged<T extends object>(given: T, current: object): Partial<T> {
  const currentValues = current as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(given).filter(
      ([key, value]) => JSON.stringify(value) !== JSON.stringify(currentValues[key]),
    ),
  ) as Partial<T>;
}
