// semver (npm's own version parser) ships without types and @types/semver is not installed:
// the few functions confctl calls, as semver 7 documents them.
declare module 'semver' {
  export function valid(version: string): string | null
  export function lt(a: string, b: string): boolean
}
