// One uPlot line chart for a sensor: redrawn on a timer from the bounded series, downsampled to
// about two points per pixel column so an hour at 10 Hz draws as fast as a minute.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { minMaxDownsample } from './downsample';
import type { SensorState } from './sensor-store';

export interface SensorChartProps {
  readonly sensor: SensorState;
  /** Shown window, ms. */
  readonly windowMs: number;
  /** Changes whenever the chart should redraw (a clock tick). */
  readonly tick: number;
  readonly color: string;
  readonly onRange?: (range: { min: number; max: number } | undefined) => void;
}

const HEIGHT = 150;

let canvasSupport: boolean | undefined;
/** Whether this browser can draw on a canvas (a DOM without one, as in tests, cannot). */
function canDraw(): boolean {
  if (canvasSupport === undefined) {
    try {
      canvasSupport = document.createElement('canvas').getContext('2d') !== null;
    } catch {
      canvasSupport = false;
    }
  }
  return canvasSupport;
}

export function SensorChart({ sensor, windowMs, tick, color, onRange }: SensorChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);

  useEffect(() => {
    const element = host.current;
    if (!element || !canDraw()) return;
    let chart: uPlot;
    try {
      chart = new uPlot(
        {
          width: Math.max(200, element.clientWidth),
          height: HEIGHT,
          legend: { show: false },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: true } },
          axes: [
            { stroke: '#64748b', grid: { stroke: '#e2e8f0', width: 1 }, ticks: { stroke: '#e2e8f0', width: 1 }, font: '11px system-ui, sans-serif' },
            { stroke: '#64748b', grid: { stroke: '#e2e8f0', width: 1 }, ticks: { stroke: '#e2e8f0', width: 1 }, font: '11px system-ui, sans-serif', size: 48 },
          ],
          series: [{}, { stroke: color, width: 1.5, fill: `${color}1a`, points: { show: false } }],
        },
        [[], []],
        element,
      );
    } catch {
      // No canvas (tests, very old browsers): the card still shows the numbers.
      return;
    }
    plot.current = chart;
    const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(() => chart.setSize({ width: Math.max(200, element.clientWidth), height: HEIGHT })) : undefined;
    observer?.observe(element);
    return () => {
      observer?.disconnect();
      chart.destroy();
      plot.current = undefined;
    };
  }, [color]);

  useEffect(() => {
    const last = sensor.series.lastTime();
    if (last === undefined) {
      onRange?.(undefined);
      return;
    }
    const { times, values } = sensor.series.since(last - windowMs);
    const buckets = Math.max(50, Math.floor((host.current?.clientWidth ?? 400) / 2));
    const [xs, ys] = minMaxDownsample(times, values, buckets);
    let min = Infinity;
    let max = -Infinity;
    for (const y of ys) {
      if (y < min) min = y;
      if (y > max) max = y;
    }
    onRange?.(ys.length > 0 ? { min, max } : undefined);
    const chart = plot.current;
    if (!chart) return;
    chart.setData([xs.map((x) => x / 1000), ys]);
    // Always show the chosen window, ending at the last reading: a sensor with only a few readings
    // (all within a millisecond or two) would otherwise get an auto-scaled axis spanning years.
    chart.setScale('x', { min: (last - windowMs) / 1000, max: last / 1000 });
  }, [tick, windowMs, sensor]);

  return <div class="sensor-chart" ref={host} role="img" aria-label={`Chart of ${sensor.id} readings`} />;
}
