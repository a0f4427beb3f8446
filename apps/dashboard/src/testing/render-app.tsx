// Renders the app (or one page) around services wired to a fake transport, for component tests.
import { render } from '@testing-library/preact';
import type { ComponentChildren } from 'preact';
import { createServices, ServicesContext, type Services } from '../services';
import { fakeFactory, immediateFrame } from './fake-transport';

export function renderWithServices(children: ComponentChildren, connect = true) {
  const factory = fakeFactory();
  const services: Services = createServices({ factory, storage: localStorage, sessionStorage, location: { protocol: 'http:', host: 'gateway.test:8020' }, requestFrame: immediateFrame });
  if (connect) {
    services.profiles.connect(services.manager);
    factory.last.accept();
  }
  const result = render(<ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>);
  return { ...result, services, factory };
}
