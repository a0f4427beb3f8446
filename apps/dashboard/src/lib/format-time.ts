// Timestamps and ages as people read them in the log and on the sensor cards.
export function formatTime(ts: number): string {
  const date = new Date(ts);
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export function formatDateTime(ts: number): string {
  const date = new Date(ts);
  return `${date.toLocaleDateString()} ${formatTime(ts)}`;
}

/** "just now", "12 s ago", "3 min ago", "2 h ago". */
export function formatAge(ms: number): string {
  if (ms < 1500) return 'just now';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  return `${Math.floor(minutes / 60)} h ago`;
}
