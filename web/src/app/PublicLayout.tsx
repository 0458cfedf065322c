import { Anchor, AppShell, Container, Group } from '@mantine/core';
import type { ReactNode } from 'react';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useLocation } from 'react-router-dom';
import classes from './Layout.module.css';
import { LanguageSwitch } from './LanguageSwitch';

function NavItem({ to, children }: { to: string; children: ReactNode }) {
  // NavLink sets aria-current="page" on the active link; the CSS shows it.
  return (
    <Anchor component={NavLink} to={to} end className={classes.navLink}>
      {children}
    </Anchor>
  );
}

/** The layout of pages for visitors: home, sign-in, activation, password reset, 404. */
export function PublicLayout({ children }: { children?: ReactNode }) {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const firstPath = useRef(pathname);

  useEffect(() => {
    if (pathname !== firstPath.current) mainRef.current?.focus();
  }, [pathname]);

  return (
    <AppShell header={{ height: 56 }} padding="md">
      <a href="#main" className={classes.skipLink}>
        {t('app.skipToContent')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
          <Group gap="md" wrap="nowrap">
            <Anchor component={Link} to="/" underline="never" className={classes.brand}>
              {t('app.name')}
            </Anchor>
            <nav aria-label={t('app.nav.label')}>
              <Group gap="md" wrap="nowrap">
                <NavItem to="/">{t('app.nav.home')}</NavItem>
                <NavItem to="/login">{t('app.nav.signIn')}</NavItem>
              </Group>
            </nav>
          </Group>
          <LanguageSwitch />
        </Group>
      </AppShell.Header>
      <AppShell.Main id="main" ref={mainRef} tabIndex={-1} className={classes.main}>
        <Container size="md" px={0} py="md">
          {children ?? <Outlet />}
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}
