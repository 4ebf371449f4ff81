// Time left on a lease, short and readable in a table column: "23h59m", "4m10s", "9s".
export function formatTimeLeft(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds))
  const days = Math.floor(s / 86400)
  const hours = Math.floor((s % 86400) / 3600)
  const minutes = Math.floor((s % 3600) / 60)
  const seconds = s % 60
  if (days >= 2) return `${days}d${hours}h`
  if (s >= 3600) return `${days * 24 + hours}h${String(minutes).padStart(2, '0')}m`
  if (s >= 60) return `${minutes}m${String(seconds).padStart(2, '0')}s`
  return `${seconds}s`
}
