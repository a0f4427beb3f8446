// The Sensors page: one card per sensor with a live chart, last value and unit, min/max over the
// shown window, online/offline from the status topic and the "last seen" age.
import { useState } from 'preact/hooks';
import { formatAge } from '../lib/format-time';
import { now, useClock } from '../lib/clock';
import { useServices } from '../services';
import { SensorChart } from '../sensors/SensorChart';
import type { SensorState } from '../sensors/sensor-store';

const WINDOWS = [
  { ms: 60_000, label: '1 min' },
  { ms: 10 * 60_000, label: '10 min' },
  { ms: 60 * 60_000, label: '1 h' },
] as const;

const KIND_COLORS: Record<string, string> = {
  temperature: '#dc2626',
  humidity: '#2563eb',
  pressure: '#7c3aed',
  co2: '#16a34a',
  light: '#d97706',
};

function formatValue(value: number | undefined): string {
  if (value === undefined) return '–';
  const abs = Math.abs(value);
  return value.toFixed(abs >= 1000 ? 0 : abs >= 100 ? 1 : 2);
}

function SensorCard({ sensor, windowMs, tick, clock }: { sensor: SensorState; windowMs: number; tick: number; clock: number }) {
  const [range, setRange] = useState<{ min: number; max: number } | undefined>();
  const status = sensor.status ?? 'unknown';
  const color = KIND_COLORS[sensor.kind ?? ''] ?? '#0891b2';
  return (
    <article class={`card sensor-card sensor-${status}`} aria-labelledby={`sensor-${sensor.id}`} data-sensor={sensor.id} data-status={status}>
      <header class="sensor-header">
        <div>
          <h2 id={`sensor-${sensor.id}`}>{sensor.id}</h2>
          <span class="muted small">{sensor.kind ?? 'no valid reading yet'}</span>
        </div>
        <span class={`badge badge-${status}`} data-testid="sensor-status">
          {status === 'unknown' ? 'status unknown' : status}
        </span>
      </header>
      <div class="sensor-value">
        <span class="value" data-testid="sensor-value">
          {formatValue(sensor.lastValue)}
        </span>
        <span class="unit">{sensor.unit ?? ''}</span>
      </div>
      <dl class="sensor-stats">
        <div>
          <dt>Min</dt>
          <dd>{formatValue(range?.min)}</dd>
        </div>
        <div>
          <dt>Max</dt>
          <dd>{formatValue(range?.max)}</dd>
        </div>
        <div>
          <dt>Last seen</dt>
          <dd data-testid="sensor-last-seen">{sensor.lastSeen === undefined ? 'never' : formatAge(Math.max(0, clock - sensor.lastSeen))}</dd>
        </div>
        <div>
          <dt>Readings</dt>
          <dd>{sensor.readings}</dd>
        </div>
      </dl>
      {sensor.series.length > 0 ? (
        <SensorChart sensor={sensor} windowMs={windowMs} tick={tick} color={color} onRange={setRange} />
      ) : (
        <div class="chart-empty">No readings yet</div>
      )}
      {sensor.lastInvalid && (
        <details class="invalid-payload">
          <summary>
            {sensor.invalid} invalid payload{sensor.invalid === 1 ? '' : 's'}: {sensor.lastInvalid.error}
          </summary>
          <div class="muted small">{sensor.lastInvalid.topic}</div>
          <pre class="payload">{sensor.lastInvalid.raw}</pre>
        </details>
      )}
    </article>
  );
}

export function SensorsPage() {
  const { sensors, manager } = useServices();
  useClock(1000);
  // Reading the version re-renders the page once per batch; charts redraw on the clock tick.
  const version = sensors.version.value;
  const clock = now.value;
  const [windowMs, setWindowMs] = useState<number>(WINDOWS[0].ms);
  const list = sensors.list();
  const online = list.filter((sensor) => sensor.status === 'online').length;
  return (
    <div class="page">
      <div class="page-header">
        <div>
          <h1>Sensors</h1>
          <p class="muted">
            {list.length} sensors · {online} online · readings from <code>/IoTSensor/+/reading</code>
          </p>
        </div>
        <div class="segmented" role="group" aria-label="Chart window">
          {WINDOWS.map((item) => (
            <button key={item.ms} type="button" class={windowMs === item.ms ? 'active' : undefined} aria-pressed={windowMs === item.ms} onClick={() => setWindowMs(item.ms)}>
              {item.label}
            </button>
          ))}
        </div>
      </div>
      {list.length === 0 ? (
        <div class="card empty-state">
          <h2>No sensors yet</h2>
          <p class="muted">{manager.status.value === 'connected' ? 'Waiting for readings on /IoTSensor/+/reading. Start the simulator with pnpm simulate.' : 'Connect to the gateway to see live sensor readings.'}</p>
        </div>
      ) : (
        <div class="sensor-grid" data-version={version}>
          {list.map((sensor) => (
            <SensorCard key={sensor.id} sensor={sensor} windowMs={windowMs} tick={clock} clock={clock} />
          ))}
        </div>
      )}
    </div>
  );
}
