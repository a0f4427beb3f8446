import { act, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { App } from '../app';
import { renderWithServices } from '../testing/render-app';

describe('Client page', () => {
  it('connects to the page origin on /mqtt and shows the state', () => {
    const { factory } = renderWithServices(<App />);
    expect(factory.last.url).toBe('ws://gateway.test:8020/mqtt');
    expect(screen.getByTestId('connection-status').dataset['status']).toBe('connected');
  });

  it('subscribes, publishes, and shows the message in the log and the topic tree', async () => {
    const { factory } = renderWithServices(<App />);
    fireEvent.input(screen.getByLabelText('Topic filter'), { target: { value: 'lab/#' } });
    fireEvent.click(screen.getByRole('button', { name: 'Subscribe' }));
    await waitFor(() => expect(factory.last.subscribed.has('lab/#')).toBe(true));
    expect(screen.getByRole('list', { name: 'Active subscriptions' }).textContent).toContain('lab/#');

    fireEvent.input(screen.getByLabelText('Topic'), { target: { value: 'lab/bench/1' } });
    fireEvent.input(screen.getByLabelText('Payload'), { target: { value: '{"volts": 3.3}' } });
    fireEvent.click(screen.getByRole('button', { name: 'Publish' }));
    await waitFor(() => expect(screen.getByTestId('message-log').textContent).toContain('lab/bench/1'));
    expect(screen.getByTestId('message-log').textContent).toContain('{"volts": 3.3}');

    const tree = screen.getByTestId('topic-tree');
    expect(tree.textContent).toContain('lab');
    fireEvent.click(within(tree).getByRole('button', { name: 'Expand lab' }));
    fireEvent.click(within(tree).getByRole('button', { name: 'Expand lab/bench' }));
    expect(tree.textContent).toContain('1');

    // The selected message is shown as pretty JSON.
    fireEvent.click(screen.getByRole('listitem', { name: /lab\/bench\/1/ }));
    expect(screen.getByTestId('payload').textContent).toBe('{\n  "volts": 3.3\n}');
  });

  it('shows binary and invalid payloads without breaking', async () => {
    const { factory, services } = renderWithServices(<App />);
    services.subscriptions.add('#', 0);
    act(() => {
      factory.last.send('raw/bytes', new Uint8Array([0xff, 0x00, 0x10]));
      factory.last.send('raw/json', '{"broken":');
    });
    await waitFor(() => expect(screen.getByTestId('message-log').textContent).toContain('0x ff 00 10'));
    expect(screen.getByTestId('message-log').textContent).toContain('{"broken":');
  });

  it('filters the log by search text', async () => {
    const { factory, services } = renderWithServices(<App />);
    services.subscriptions.add('#', 0);
    act(() => {
      factory.last.send('a/one', 'apple');
      factory.last.send('b/two', 'banana');
    });
    fireEvent.input(screen.getByLabelText('Search topics and payloads'), { target: { value: 'banana' } });
    await waitFor(() => expect(screen.getByTestId('message-log').textContent).not.toContain('a/one'));
    expect(screen.getByTestId('message-log').textContent).toContain('b/two');
    expect(screen.getByTestId('log-count').textContent).toContain('1 of 2');
  });

  it('clears a retained subtree only after a confirmation', async () => {
    const { factory, services } = renderWithServices(<App />);
    services.subscriptions.add('#', 0);
    act(() => {
      factory.last.send('plant/a', '1', { retain: true });
      factory.last.send('plant/b', '2', { retain: true });
    });
    const tree = screen.getByTestId('topic-tree');
    fireEvent.click(within(tree).getByRole('button', { name: /^plant/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Clear retained in subtree (2)' }));
    expect(factory.last.published).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Clear 2' }));
    await waitFor(() => expect(factory.last.published.filter((entry) => entry.retain && entry.payload.length === 0).map((entry) => entry.topic)).toEqual(['plant/a', 'plant/b']));
  });

  it('shows the reconnect banner when the connection drops', () => {
    const { factory } = renderWithServices(<App />);
    act(() => factory.last.drop());
    expect(screen.getByTestId('reconnect-banner').textContent).toContain('Connection lost');
    expect(screen.getByTestId('connection-status').dataset['status']).toBe('reconnecting');
    act(() => factory.last.accept());
    expect(screen.queryByTestId('reconnect-banner')).toBeNull();
  });
});
