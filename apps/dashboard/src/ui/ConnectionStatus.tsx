// The connection state, always visible in the header, and the reconnect banner under it.
import { useServices } from '../services';
import { now, useClock } from '../lib/clock';

const LABELS = { connected: 'Connected', connecting: 'Connecting…', reconnecting: 'Reconnecting…', disconnected: 'Disconnected', unauthorized: 'Login required' } as const;

export function StatusPill() {
  const { manager } = useServices();
  const status = manager.status.value;
  return (
    <div class={`status-pill status-${status}`} role="status" aria-live="polite" data-testid="connection-status" data-status={status}>
      <span class="status-dot" aria-hidden="true" />
      <span class="status-label">{LABELS[status]}</span>
      {manager.clientId.value && <span class="status-detail">{manager.clientId.value}</span>}
    </div>
  );
}

export function ReconnectBanner() {
  const { manager } = useServices();
  useClock(500);
  const status = manager.status.value;
  if (status !== 'reconnecting') return null;
  const info = manager.reconnect.value;
  const seconds = info ? Math.max(0, Math.ceil((info.at - now.value) / 1000)) : 0;
  return (
    <div class="banner banner-warning" role="alert" data-testid="reconnect-banner">
      <strong>Connection lost.</strong>{' '}
      {info ? `Reconnecting to ${manager.url.value} in ${seconds} s (attempt ${info.attempt}).` : `Reconnecting to ${manager.url.value} now…`}
      {manager.lastError.value && <span class="banner-detail"> Last error: {manager.lastError.value}</span>}
      <button type="button" class="btn btn-small" onClick={() => manager.retryNow()} disabled={!info}>
        Retry now
      </button>
    </div>
  );
}
