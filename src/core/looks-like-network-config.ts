// Whether a value found in etcd looks like a flannel network config: JSON with a Network field
// (any case, as flannel reads it). Used to point at configs under other prefixes.
export function looksLikeNetworkConfig(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).some((k) => k.toLowerCase() === 'network')
  } catch {
    return false
  }
}
