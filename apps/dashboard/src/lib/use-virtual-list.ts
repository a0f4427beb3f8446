// A Preact hook around @tanstack/virtual-core: only the rows in (and just around) the viewport
// are rendered, so a log of thousands of messages costs a few dozen DOM nodes.
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect, type VirtualizerOptions } from '@tanstack/virtual-core';
import { useLayoutEffect, useReducer, useState } from 'preact/hooks';

export interface VirtualListOptions {
  readonly count: number;
  readonly getScrollElement: () => HTMLElement | null;
  readonly rowHeight: number;
  readonly overscan?: number;
  /** Viewport size before the first measurement (also what tests without layout see). */
  readonly initialRect?: { width: number; height: number };
}

export function useVirtualList(options: VirtualListOptions): Virtualizer<HTMLElement, Element> {
  const initialRect = options.initialRect ?? { width: 800, height: 480 };
  const [, rerender] = useReducer((value: number) => value + 1, 0);
  const resolved: VirtualizerOptions<HTMLElement, Element> = {
    count: options.count,
    getScrollElement: options.getScrollElement,
    estimateSize: () => options.rowHeight,
    overscan: options.overscan ?? 8,
    scrollToFn: elementScroll,
    // An element without layout (not yet shown, or a DOM without layout in tests) measures 0x0:
    // assume the initial size then, so the first rows still render.
    observeElementRect: (instance, callback) => observeElementRect(instance, (rect) => callback(rect.width === 0 && rect.height === 0 ? initialRect : rect)),
    observeElementOffset,
    initialRect,
    onChange: () => rerender(undefined),
  };
  const [virtualizer] = useState(() => new Virtualizer<HTMLElement, Element>(resolved));
  virtualizer.setOptions(resolved);
  useLayoutEffect(() => virtualizer._didMount(), [virtualizer]);
  useLayoutEffect(() => {
    virtualizer._willUpdate();
  });
  return virtualizer;
}
