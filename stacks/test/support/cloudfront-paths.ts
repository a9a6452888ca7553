/**
 * Which cache behaviour CloudFront applies to a request, by its rules ("Path pattern", CloudFront Developer
 * Guide): the ordered behaviours in their order, the first whose pattern matches the path wins, else the
 * default; `*` matches 0 or more characters (slashes too), `?` exactly one; patterns are case-sensitive; a
 * leading slash makes no difference; the query string is not looked at.
 */
export function behaviourFor<Behaviour extends { pathPattern?: string }>(
  defaultBehaviour: Behaviour,
  ordered: readonly Behaviour[],
  path: string,
): Behaviour {
  return (
    ordered.find((behaviour) => matchesPathPattern(behaviour.pathPattern ?? '', path)) ?? defaultBehaviour
  );
}

export function matchesPathPattern(pattern: string, path: string): boolean {
  const withoutSlash = (text: string) => text.replace(/^\//, '');
  const expression = [...withoutSlash(pattern)]
    .map((character) =>
      character === '*' ? '.*' : character === '?' ? '.' : character.replace(/[.+^${}()|[\]\\/]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${expression}$`, 's').test(withoutSlash(path.split('?')[0]!));
}
