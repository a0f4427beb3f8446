import { act, fireEvent, screen, waitFor } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { App } from '../app';
import { renderWithServices } from '../testing/render-app';

/** The app opened against a broker that refuses anonymous clients. */
function renderRefused() {
  const rendered = renderWithServices(<App />, false);
  act(() => {
    rendered.services.profiles.connect(rendered.services.manager);
    rendered.factory.last.refuse(5);
  });
  return rendered;
}

describe('the login form', () => {
  it('replaces the page when the broker refuses the connection, with the reason and focus on the username', () => {
    renderRefused();
    const form = screen.getByTestId('login-form');
    expect(screen.getByRole('heading', { name: 'Log in' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toBe('The broker refused the connection: not authorized (CONNACK 5).');
    expect(document.activeElement).toBe(screen.getByLabelText('Username'));
    expect(screen.getByLabelText('Password').getAttribute('type')).toBe('password');
    expect(screen.getByLabelText('Username').getAttribute('aria-describedby')).toBe('login-message');
    expect(form.contains(screen.getByRole('button', { name: 'Log in' }))).toBe(true);
    expect(screen.queryByTestId('reconnect-banner')).toBeNull();
    expect(screen.queryByLabelText('Topic filter')).toBeNull();
    expect(screen.getByTestId('connection-status').dataset['status']).toBe('unauthorized');
    expect(screen.getByTestId('connection-status').textContent).toContain('Login required');
  });

  it('logs in with the typed credentials, stays on a wrong password, and shows the page once accepted', async () => {
    const { factory, services } = renderRefused();
    fireEvent.input(screen.getByLabelText('Username'), { target: { value: 'alice' } });
    fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'wrong' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(factory.last.options).toMatchObject({ username: 'alice', password: 'wrong' });
    await waitFor(() => expect(screen.getByRole('button', { name: 'Logging in…' }).hasAttribute('disabled')).toBe(true));

    act(() => factory.last.refuse(4));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('bad user name or password'));
    expect(screen.getByTestId('login-form')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('Password'));

    fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'right' } });
    fireEvent.click(screen.getByLabelText('Remember the password on this device'));
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(factory.last.options).toMatchObject({ username: 'alice', password: 'right' });
    act(() => factory.last.accept());
    await waitFor(() => expect(screen.queryByTestId('login-form')).toBeNull());
    expect(screen.getByLabelText('Topic filter')).toBeTruthy();
    expect(services.profiles.active).toMatchObject({ username: 'alice', password: 'right', rememberPassword: true });
  });

  it('logs out from the header back to the form, with the user name kept and the password gone', async () => {
    const { factory, services } = renderWithServices(<App />, false);
    act(() => {
      services.login.login({ username: 'bob', password: 'pw', remember: false });
      factory.last.accept();
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Log out' }));
    await waitFor(() => expect(screen.getByTestId('login-form')).toBeTruthy());
    expect(screen.getByText('You have logged out.')).toBeTruthy();
    expect(screen.getByLabelText<HTMLInputElement>('Username').value).toBe('bob');
    expect(screen.getByLabelText<HTMLInputElement>('Password').value).toBe('');
    expect(document.activeElement).toBe(screen.getByLabelText('Password'));
    expect(screen.queryByRole('button', { name: 'Log out' })).toBeNull();
    expect(factory.last.ended).toBe(true);
    expect(services.manager.status.value).toBe('disconnected');
  });

  it('offers no "Log out" to an anonymous connection', () => {
    renderWithServices(<App />);
    expect(screen.queryByRole('button', { name: 'Log out' })).toBeNull();
  });
});
