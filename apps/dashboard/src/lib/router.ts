// Hash routing: #/client, #/sensors, #/images, as a signal that follows `hashchange`.
import { signal } from '@preact/signals';

export const ROUTES = [
  { path: '/client', label: 'Client' },
  { path: '/sensors', label: 'Sensors' },
  { path: '/images', label: 'Image Selector' },
] as const;

export type RoutePath = (typeof ROUTES)[number]['path'];

export function parseRoute(hash: string): RoutePath {
  const path = hash.replace(/^#/, '') || '/client';
  return ROUTES.find((route) => route.path === path)?.path ?? '/client';
}

export const currentRoute = signal<RoutePath>(typeof location === 'undefined' ? '/client' : parseRoute(location.hash));

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => {
    currentRoute.value = parseRoute(location.hash);
  });
}
