// The message log: a virtualised list (newest first) with filter, search, per-subscription
// colours, QoS/retain flags and timestamps; the selected message is shown in full below.
import { useMemo, useRef, useState } from 'preact/hooks';
import { formatDateTime, formatTime } from '../lib/format-time';
import { previewPayload, type PayloadView as View } from '../lib/payload-format';
import { useVirtualList } from '../lib/use-virtual-list';
import { useServices } from '../services';
import { PayloadView, ViewPicker } from '../ui/PayloadView';
import { filterLog } from './log-filter';
import type { LogEntry } from './message-log';
import { subscriptionFor } from './subscriptions';

const ROW_HEIGHT = 56;

export function MessageLogView({ search, onSearch }: { search: string; onSearch: (value: string) => void }) {
  const { log, subscriptions } = useServices();
  const version = log.version.value;
  const subs = subscriptions.list.value;
  const [subscription, setSubscription] = useState('');
  const [view, setView] = useState<View>('auto');
  const [selected, setSelected] = useState<LogEntry | undefined>();
  const [paused, setPaused] = useState(false);
  const frozen = useRef<LogEntry[]>([]);
  const scrollRef = useRef<HTMLDivElement>(null);

  const live = useMemo(() => filterLog(log.entries, { subscription, search }), [version, subscription, search, log]);
  const rows = paused ? frozen.current : live;
  if (!paused) frozen.current = live;

  const virtualizer = useVirtualList({ count: rows.length, getScrollElement: () => scrollRef.current, rowHeight: ROW_HEIGHT });
  const items = virtualizer.getVirtualItems();

  const onKeyDown = (event: KeyboardEvent, index: number): void => {
    const next = event.key === 'ArrowDown' ? index + 1 : event.key === 'ArrowUp' ? index - 1 : undefined;
    if (next === undefined || next < 0 || next >= rows.length) return;
    event.preventDefault();
    virtualizer.scrollToIndex(next);
    setSelected(rows[next]);
    requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus());
  };

  return (
    <section class="card log-card" aria-labelledby="log-heading">
      <div class="card-header">
        <h2 id="log-heading">Messages</h2>
        <span class="muted small" data-testid="log-count">
          {rows.length === log.entries.length ? `${log.entries.length}` : `${rows.length} of ${log.entries.length}`} messages · {log.rate.value} msg/s
        </span>
      </div>
      <div class="toolbar">
        <label class="inline-field" for="log-subscription">
          <span>Show</span>
          <select id="log-subscription" value={subscription} onChange={(event) => setSubscription(event.currentTarget.value)}>
            <option value="">All subscriptions</option>
            {subs.map((item) => (
              <option key={item.filter} value={item.filter}>
                {item.filter}
              </option>
            ))}
          </select>
        </label>
        <label class="inline-field grow" for="log-search">
          <span class="visually-hidden">Search topics and payloads</span>
          <input id="log-search" type="search" placeholder="Search topic or payload" value={search} onInput={(event) => onSearch(event.currentTarget.value)} />
        </label>
        <ViewPicker id="log-view" value={view} onChange={setView} />
        <button type="button" class="btn btn-small btn-ghost" aria-pressed={paused} onClick={() => setPaused(!paused)}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button
          type="button"
          class="btn btn-small btn-ghost btn-danger"
          onClick={() => {
            setSelected(undefined);
            void log.clear();
          }}
        >
          Clear
        </button>
      </div>
      <div class="log-scroll" ref={scrollRef} role="list" aria-label="Message log" data-testid="message-log">
        {rows.length === 0 ? (
          <p class="empty">{log.entries.length === 0 ? 'No messages yet. Subscribe to a topic filter to see messages here.' : 'No message matches the filter.'}</p>
        ) : (
          <div style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
            {items.map((item) => {
              const entry = rows[item.index];
              if (!entry) return null;
              const color = subscriptionFor(subs, entry.topic)?.color ?? '#94a3b8';
              const isSelected = selected?.seq === entry.seq;
              return (
                <div
                  key={entry.seq}
                  role="listitem"
                  class={`log-row${isSelected ? ' selected' : ''}`}
                  style={{ transform: `translateY(${item.start}px)`, height: `${ROW_HEIGHT}px`, '--sub-color': color }}
                  data-index={item.index}
                  tabIndex={0}
                  aria-selected={isSelected}
                  aria-label={`${entry.topic} at ${formatTime(entry.ts)}`}
                  onClick={() => setSelected(entry)}
                  onKeyDown={(event) => {
                    if (event.key === 'Enter' || event.key === ' ') {
                      event.preventDefault();
                      setSelected(entry);
                    } else onKeyDown(event, item.index);
                  }}
                >
                  <div class="log-row-top">
                    <span class="log-topic">{entry.topic}</span>
                    <span class="log-flags">
                      <span class="tag" title="Quality of service">QoS {entry.qos}</span>
                      {entry.retain && <span class="tag tag-retain" title="Retained message">Retained</span>}
                      <time class="muted" dateTime={new Date(entry.ts).toISOString()}>
                        {formatTime(entry.ts)}
                      </time>
                    </span>
                  </div>
                  <div class="log-preview">{previewPayload(entry.payload)}</div>
                </div>
              );
            })}
          </div>
        )}
      </div>
      {selected && (
        <div class="message-detail" aria-label="Selected message">
          <div class="detail-header">
            <div>
              <code class="detail-topic">{selected.topic}</code>
              <div class="muted small">
                {formatDateTime(selected.ts)} · QoS {selected.qos}
                {selected.retain ? ' · retained' : ''}
              </div>
            </div>
            <button type="button" class="btn btn-small btn-ghost" aria-label="Close message details" onClick={() => setSelected(undefined)}>
              Close
            </button>
          </div>
          <PayloadView payload={selected.payload} view={view} />
        </div>
      )}
    </section>
  );
}
