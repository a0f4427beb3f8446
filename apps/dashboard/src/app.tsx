// The app shell: header with navigation, connection state and "log out", the reconnect banner, and
// the page (or the login form in its place while the broker wants credentials).
import { LoginForm } from './auth/LoginForm';
import { LogoutButton } from './auth/LogoutButton';
import { ROUTES, currentRoute } from './lib/router';
import { ClientPage } from './pages/ClientPage';
import { ImagesPage } from './pages/ImagesPage';
import { SensorsPage } from './pages/SensorsPage';
import { useServices } from './services';
import { ReconnectBanner, StatusPill } from './ui/ConnectionStatus';

export function App() {
  const route = currentRoute.value;
  const loginRequired = useServices().login.prompt.value !== undefined;
  return (
    <div class="app">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="app-header">
        <div class="brand">
          <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
            <circle cx="12" cy="12" r="3" fill="currentColor" />
            <path d="M5.6 5.6a9 9 0 0 0 0 12.8M18.4 5.6a9 9 0 0 1 0 12.8M8.5 8.5a5 5 0 0 0 0 7M15.5 8.5a5 5 0 0 1 0 7" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" />
          </svg>
          <span>Gateway dashboard</span>
        </div>
        <nav class="app-nav" aria-label="Pages">
          {ROUTES.map((item) => (
            <a key={item.path} href={`#${item.path}`} class={route === item.path ? 'active' : undefined} aria-current={route === item.path ? 'page' : undefined}>
              {item.label}
            </a>
          ))}
        </nav>
        <div class="session">
          <StatusPill />
          <LogoutButton />
        </div>
      </header>
      <ReconnectBanner />
      <main id="main" class="app-main" tabIndex={-1}>
        {loginRequired && <LoginForm />}
        {!loginRequired && route === '/client' && <ClientPage />}
        {!loginRequired && route === '/sensors' && <SensorsPage />}
        {!loginRequired && route === '/images' && <ImagesPage />}
      </main>
    </div>
  );
}
