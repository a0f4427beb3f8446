import { act, screen, waitFor } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { renderWithServices } from '../testing/render-app';
import { ImagesPage } from './ImagesPage';

describe('Image Selector page', () => {
  it('shows a known image and says it was acknowledged', async () => {
    const { factory } = renderWithServices(<ImagesPage />);
    act(() => factory.last.send('/ImageSelector/image', 'glacier'));
    await waitFor(() => expect(screen.getByTestId('image-ack').dataset['ack']).toBe('sent'));
    const tile = screen.getByTestId('image-tile');
    expect(tile.dataset['state']).toBe('known');
    expect(screen.getByRole('img', { name: 'Image "glacier"' }).getAttribute('src')).toBe('/images/glacier.svg');
  });

  it('shows a clear tile for an unknown name', async () => {
    const { factory } = renderWithServices(<ImagesPage />);
    act(() => factory.last.send('/ImageSelector/image', 'volcano'));
    await waitFor(() => expect(screen.getByTestId('image-tile').dataset['state']).toBe('unknown'));
    expect(screen.getByTestId('image-tile').textContent).toContain('Unknown image');
    expect(screen.getByTestId('image-tile').textContent).toContain('volcano');
  });

  it('shows an invalid payload raw', async () => {
    const { factory } = renderWithServices(<ImagesPage />);
    act(() => factory.last.send('/ImageSelector/image', '{"image": "ocean"}'));
    await waitFor(() => expect(screen.getByTestId('image-tile').dataset['state']).toBe('invalid'));
    expect(screen.getByTestId('image-tile').textContent).toContain('{"image": "ocean"}');
  });

  it('has a labelled button per known image', () => {
    renderWithServices(<ImagesPage />);
    for (const name of ['sunrise', 'forest', 'ocean', 'mountain', 'desert', 'city', 'meadow', 'glacier']) {
      expect(screen.getByRole('button', { name: `Show ${name}` })).toBeTruthy();
    }
  });
});
