import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { useAuth } from '../auth/AuthContext';
import { LANGUAGES, currentLanguage } from '../i18n';

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const active = currentLanguage();
  return (
    <div className="lang-switch" role="group" aria-label={t('app.language')}>
      {LANGUAGES.map((lng) => (
        <button
          key={lng}
          type="button"
          lang={lng}
          className="lang-switch__button"
          aria-pressed={active === lng}
          onClick={() => void i18n.changeLanguage(lng)}
        >
          {t(`lang.${lng}`)}
        </button>
      ))}
    </div>
  );
}

/** The header's menu: the public screens, and the way in (or home once logged in). */
function SiteNav() {
  const { t } = useTranslation();
  const { session } = useAuth();
  const links = [
    session ? { to: '/', label: t('nav.home') } : { to: '/login', label: t('nav.login') },
    { to: '/apply/registration', label: t('nav.registration') },
    { to: '/apply/trading-participant', label: t('nav.tradingParticipant') },
  ];
  return (
    <nav className="site-nav" aria-label={t('nav.label')}>
      <ul className="site-nav__list">
        {links.map((link) => (
          <li key={link.to}>
            <NavLink to={link.to} end className="site-nav__link">
              {link.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToMain')}
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <p className="site-header__name">{t('app.name')}</p>
          <LanguageSwitch />
        </div>
        <div className="site-header__inner site-header__inner--nav">
          <SiteNav />
        </div>
      </header>
      <main id="main" className="site-main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <p>{t('app.footer')}</p>
      </footer>
    </>
  );
}
