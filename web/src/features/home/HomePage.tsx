import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError, NetworkError, bearer, client, unwrap } from '../../api/client';
import type { MeResponse } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';

type State = { kind: 'loading' } | { kind: 'ready'; me: MeResponse } | { kind: 'error'; message: string };

export function HomePage() {
  const { t } = useTranslation();
  const { session, logout } = useAuth();
  const navigate = useNavigate();
  const [state, setState] = useState<State>({ kind: 'loading' });
  const token = session?.token;

  const load = useCallback(async () => {
    if (!token) return;
    setState({ kind: 'loading' });
    try {
      setState({ kind: 'ready', me: await unwrap(client.GET('/api/v1/auth/me', { headers: bearer(token) })) });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        logout(); // expired or revoked: back to the login screen
        return;
      }
      if (error instanceof ApiError || error instanceof NetworkError) {
        setState({ kind: 'error', message: error instanceof ApiError ? error.message : t('login.networkError') });
        return;
      }
      throw error;
    }
  }, [token, logout, t]);

  useEffect(() => {
    void load();
  }, [load]);

  function onLogout() {
    logout();
    navigate('/login', { replace: true });
  }

  return (
    <section className="card" aria-labelledby="home-title" aria-busy={state.kind === 'loading'}>
      <h1 id="home-title" className="page-title">
        {t('home.title')}
      </h1>
      {state.kind === 'loading' && <p role="status">{t('home.loading')}</p>}
      {state.kind === 'error' && (
        <div className="alert alert--error" role="alert">
          <p className="alert__title">{t('home.loadError')}</p>
          <p>{state.message}</p>
          <button type="button" className="button button--secondary" onClick={() => void load()}>
            {t('home.retry')}
          </button>
        </div>
      )}
      {state.kind === 'ready' && (
        <>
          {state.me.mustChangePassword && (
            <div className="alert alert--warning" role="status">
              <p>{t('home.mustChangePassword')}</p>
            </div>
          )}
          <h2 className="section-title">{t('home.loggedInAs')}</h2>
          <dl className="facts" data-testid="who">
            <div className="facts__row">
              <dt>{t('home.loginId')}</dt>
              <dd>{state.me.loginId}</dd>
            </div>
            <div className="facts__row">
              <dt>{t('home.role')}</dt>
              <dd>{t(`roles.${state.me.role}`)}</dd>
            </div>
            {state.me.displayName && (
              <div className="facts__row">
                <dt>{t('home.displayName')}</dt>
                <dd>{state.me.displayName}</dd>
              </div>
            )}
          </dl>
        </>
      )}
      <button type="button" className="button button--secondary" onClick={onLogout}>
        {t('home.logout')}
      </button>
    </section>
  );
}
