// A shared, coarse clock signal for "last seen" ages and chart refreshes: one timer for the page.
import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';

export const now = signal(Date.now());
let users = 0;
let timer: ReturnType<typeof setInterval> | undefined;

/** Keeps `now` ticking every `ms` while at least one component uses it. */
export function useClock(ms = 1000): void {
  useEffect(() => {
    users += 1;
    timer ??= setInterval(() => {
      now.value = Date.now();
    }, ms);
    return () => {
      users -= 1;
      if (users === 0) {
        clearInterval(timer);
        timer = undefined;
      }
    };
  }, [ms]);
}
