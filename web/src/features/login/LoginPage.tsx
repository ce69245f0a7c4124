import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate } from 'react-router';
import { ApiError, NetworkError } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { currentLanguage } from '../../i18n';
import { formatJst } from '../../format';

type Field = 'loginId' | 'password';

interface Failure {
  /** The server's own message (in the UI language), or one of ours when there was no answer. */
  message: string;
  /** The language it came in (switching the UI language later does not translate it). */
  lang: string;
  unlocksAt?: string;
}

export function LoginPage() {
  const { t } = useTranslation();
  const { session, login } = useAuth();
  const navigate = useNavigate();
  const [loginId, setLoginId] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<Field[]>([]);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const alertRef = useRef<HTMLDivElement>(null);
  const loginIdRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (failure) alertRef.current?.focus();
  }, [failure]);

  if (session) return <Navigate to="/" replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (submitting) return;
    const empty: Field[] = [];
    if (loginId.trim() === '') empty.push('loginId');
    if (password === '') empty.push('password');
    setMissing(empty);
    if (empty.length > 0) {
      setFailure(null);
      (empty[0] === 'loginId' ? loginIdRef : passwordRef).current?.focus();
      return;
    }
    setSubmitting(true);
    setFailure(null);
    try {
      await login(loginId.trim(), password);
      navigate('/', { replace: true });
    } catch (error) {
      setPassword('');
      if (error instanceof ApiError) {
        const unlocksAt = typeof error.details.unlocksAt === 'string' ? error.details.unlocksAt : undefined;
        setFailure({ message: error.message, lang: currentLanguage(), unlocksAt });
      } else if (error instanceof NetworkError) {
        setFailure({ message: t('login.networkError'), lang: currentLanguage() });
      } else {
        throw error;
      }
    } finally {
      setSubmitting(false);
    }
  }

  const fieldError = (field: Field) =>
    missing.includes(field) ? t('login.required', { field: t(`login.${field}`) }) : null;

  return (
    <section className="card login" aria-labelledby="login-title">
      <h1 id="login-title" className="page-title">
        {t('login.title')}
      </h1>
      <p className="lead">{t('login.lead')}</p>
      {failure && (
        <div ref={alertRef} className="alert alert--error" role="alert" tabIndex={-1} data-testid="login-error">
          <p className="alert__title">{t('login.errorTitle')}</p>
          <p lang={failure.lang}>{failure.message}</p>
          {failure.unlocksAt && <p data-testid="unlocks-at">{t('login.lockedUntil', { time: formatJst(failure.unlocksAt, currentLanguage()) })}</p>}
        </div>
      )}
      <form onSubmit={submit} noValidate aria-busy={submitting}>
        {(['loginId', 'password'] as const).map((field) => {
          const error = fieldError(field);
          return (
            <div className="field" key={field}>
              <label className="field__label" htmlFor={field}>
                {t(`login.${field}`)}
              </label>
              <input
                id={field}
                ref={field === 'loginId' ? loginIdRef : passwordRef}
                className="field__input"
                name={field}
                type={field === 'password' ? 'password' : 'text'}
                autoComplete={field === 'password' ? 'current-password' : 'username'}
                autoCapitalize="none"
                spellCheck={false}
                required
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `${field}-error` : undefined}
                value={field === 'loginId' ? loginId : password}
                onChange={(e) => (field === 'loginId' ? setLoginId : setPassword)(e.target.value)}
              />
              {error && (
                <p id={`${field}-error`} className="field__error">
                  {error}
                </p>
              )}
            </div>
          );
        })}
        <button type="submit" className="button button--primary" disabled={submitting}>
          {submitting ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
      <section className="login__apply" aria-labelledby="login-apply-title">
        <h2 id="login-apply-title" className="section-title">
          {t('login.applyTitle')}
        </h2>
        <p>{t('login.applyLead')}</p>
        <ul className="link-list">
          <li>
            <Link to="/apply/registration">{t('nav.registration')}</Link>
          </li>
          <li>
            <Link to="/apply/trading-participant">{t('nav.tradingParticipant')}</Link>
          </li>
        </ul>
      </section>
    </section>
  );
}
