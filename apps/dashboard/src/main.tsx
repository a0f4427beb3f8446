// Entry point: creates the shared services, loads the message history, connects, renders.
import { render } from 'preact';
import './styles.css';
import 'uplot/dist/uPlot.min.css';
import { App } from './app';
import { createMqttTransport } from './mqtt/mqtt-transport';
import { ServicesContext, attachHistory, createServices } from './services';

const services = createServices({ factory: createMqttTransport, storage: window.localStorage, sessionStorage: window.sessionStorage, location: window.location });
void attachHistory(services.log);
if (services.profiles.active.autoConnect) services.profiles.connect(services.manager);

// For end-to-end tests and debugging from the console.
(window as unknown as { gatewayDashboard?: unknown }).gatewayDashboard = services;

const root = document.getElementById('app');
if (root) render(<ServicesContext.Provider value={services}>
  <App />
</ServicesContext.Provider>, root);
