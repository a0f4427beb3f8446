// The Image Selector page: shows the image named on /ImageSelector/image (a clear tile for an
// unknown name, the raw payload for an invalid one), its acknowledgement, and a picker that
// publishes a selection.
import { KNOWN_IMAGES } from '@gateway/topics/image-selector';
import { useState } from 'preact/hooks';
import { formatTime } from '../lib/format-time';
import { useServices } from '../services';
import type { ImageSelectionEvent } from '../images/image-selector';

export function imageUrl(name: string): string {
  return `${import.meta.env.BASE_URL}images/${name}.svg`;
}

const ACK_LABELS = { pending: 'acknowledging…', sent: 'acknowledged', failed: 'acknowledgement failed', none: 'not acknowledged (invalid name)' } as const;

function Tile({ event }: { event: ImageSelectionEvent | undefined }) {
  if (!event) {
    return (
      <div class="image-tile image-tile-empty" data-testid="image-tile" data-state="waiting">
        <p>Waiting for an image name on <code>/ImageSelector/image</code>.</p>
      </div>
    );
  }
  if (event.name === undefined) {
    return (
      <div class="image-tile image-tile-invalid" data-testid="image-tile" data-state="invalid">
        <strong>Invalid image name</strong>
        <pre class="payload">{event.raw}</pre>
        <span class="muted small">{event.error}</span>
      </div>
    );
  }
  if (!event.known) {
    return (
      <div class="image-tile image-tile-unknown" data-testid="image-tile" data-state="unknown" data-image={event.name}>
        <svg viewBox="0 0 24 24" width="48" height="48" aria-hidden="true">
          <rect x="3" y="3" width="18" height="18" rx="3" fill="none" stroke="currentColor" stroke-width="1.5" />
          <path d="M9.5 9a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .8-1 1.4V14M12 17h.01" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" />
        </svg>
        <strong>Unknown image</strong>
        <code>{event.name}</code>
        <span class="muted small">This display has no image with that name.</span>
      </div>
    );
  }
  return (
    <figure class="image-tile" data-testid="image-tile" data-state="known" data-image={event.name}>
      <img src={imageUrl(event.name)} alt={`Image "${event.name}"`} width={640} height={400} />
    </figure>
  );
}

export function ImagesPage() {
  const { images, manager } = useServices();
  const current = images.current.value;
  const history = images.history.value;
  const connected = manager.status.value === 'connected';
  const [error, setError] = useState<string | undefined>();

  const select = async (name: string): Promise<void> => {
    try {
      setError(undefined);
      await images.select(name);
    } catch (problem) {
      setError(problem instanceof Error ? problem.message : String(problem));
    }
  };

  return (
    <div class="page">
      <div class="page-header">
        <div>
          <h1>Image Selector</h1>
          <p class="muted">
            Shows the image named on <code>/ImageSelector/image</code> and acknowledges it on <code>/ImageSelector/ack</code>.
          </p>
        </div>
      </div>
      <div class="images-layout">
        <section class="card" aria-labelledby="current-image-heading">
          <div class="card-header">
            <h2 id="current-image-heading">Now showing</h2>
            {current && (
              <span class="muted small" data-testid="image-ack" data-ack={current.ack}>
                {current.name ?? 'invalid'} · {formatTime(current.ts)} · {ACK_LABELS[current.ack]}
              </span>
            )}
          </div>
          <div aria-live="polite">
            <Tile event={current} />
          </div>
          {current?.name && (
            <p class="image-caption">
              <strong>{current.name}</strong> {current.known ? '' : '(unknown)'}
            </p>
          )}
        </section>
        <div class="images-side">
          <section class="card" aria-labelledby="pick-heading">
            <div class="card-header">
              <h2 id="pick-heading">Select an image</h2>
            </div>
            <p class="muted small">Publishes the name to every display, this one included.</p>
            <div class="thumb-grid">
              {KNOWN_IMAGES.map((name) => (
                <button key={name} type="button" class={`thumb${current?.name === name ? ' active' : ''}`} disabled={!connected} onClick={() => void select(name)} aria-label={`Show ${name}`}>
                  <img src={imageUrl(name)} alt="" width={120} height={75} loading="lazy" />
                  <span>{name}</span>
                </button>
              ))}
            </div>
            {error && <p class="error">{error}</p>}
          </section>
          <section class="card" aria-labelledby="history-heading">
            <div class="card-header">
              <h2 id="history-heading">Recent selections</h2>
            </div>
            {history.length === 0 ? (
              <p class="empty">None yet.</p>
            ) : (
              <ol class="history-list">
                {history.map((event) => (
                  <li key={event.id}>
                    <time class="muted">{formatTime(event.ts)}</time>
                    <span class={event.name === undefined ? 'error' : undefined}>{event.name ?? event.raw}</span>
                    <span class={`tag${event.known ? '' : ' tag-warn'}`}>{event.name === undefined ? 'invalid' : event.known ? 'known' : 'unknown'}</span>
                    <span class="muted small">{ACK_LABELS[event.ack]}</span>
                  </li>
                ))}
              </ol>
            )}
          </section>
        </div>
      </div>
    </div>
  );
}
