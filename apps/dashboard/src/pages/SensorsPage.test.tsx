import { act, screen } from '@testing-library/preact';
import { sensorReadings } from '@gateway/topics/sensors';
import { describe, expect, it } from 'vitest';
import { renderWithServices } from '../testing/render-app';
import { SensorsPage } from './SensorsPage';

describe('Sensors page', () => {
  it('says when there are no sensors yet', () => {
    renderWithServices(<SensorsPage />);
    expect(screen.getByRole('heading', { name: 'No sensors yet' })).toBeTruthy();
  });

  it('shows a card per sensor with value, unit and status, and invalid payloads raw', () => {
    const { factory, services } = renderWithServices(<SensorsPage />);
    act(() => {
      factory.last.send('/IoTSensor/Sensor01/status', 'online', { retain: true });
      factory.last.send('/IoTSensor/Sensor01/reading', sensorReadings.payload.encode({ sensorId: 'Sensor01', kind: 'humidity', value: 45.25, unit: '%', ts: Date.now(), seq: 1 }));
      factory.last.send('/IoTSensor/Sensor02/reading', 'not json at all');
      factory.last.send('/IoTSensor/Sensor02/status', 'offline');
      services.sensors.flush();
    });
    const first = document.querySelector<HTMLElement>('[data-sensor="Sensor01"]')!;
    expect(first.dataset['status']).toBe('online');
    expect(first.textContent).toContain('45.25');
    expect(first.textContent).toContain('%');
    expect(first.textContent).toContain('humidity');
    const second = document.querySelector<HTMLElement>('[data-sensor="Sensor02"]')!;
    expect(second.dataset['status']).toBe('offline');
    expect(second.textContent).toContain('not json at all');
    expect(second.textContent).toContain('payload is not valid JSON');
    expect(screen.getByRole('group', { name: 'Chart window' })).toBeTruthy();
  });
});
