import { AppShell, Anchor, Burger, Container, Group, NavLink as MantineNavLink } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useLocation } from 'react-router-dom';
import { sessionKey, useCurrentUser, type SessionResponse } from '../features/accounts/session';
import { http } from '../lib/http';
import { chooseLanguage, currentLanguage, type Language } from '../lib/i18n';
import { LanguageSwitch } from './LanguageSwitch';
import classes from './Layout.module.css';
import { homeOf, navFor } from './navigation';
import { UserMenu } from './UserMenu';

/** The portal after sign-in: header (name, organisation, language, sign-out) and the role's menu. */
export function SignedInLayout({ children }: { children?: ReactNode }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const queryClient = useQueryClient();
  const { pathname } = useLocation();
  const [opened, { toggle, close }] = useDisclosure(false);
  // Mantine's `sm` breakpoint (48em = 768 px): below it the menu hides behind the burger.
  const narrow = useMediaQuery('(max-width: 47.99em)') ?? false;
  const mainRef = useRef<HTMLElement>(null);
  const firstPath = useRef(pathname);

  // The account's language applies on sign-in (and when another device changed it).
  useEffect(() => {
    if (user.locale !== currentLanguage()) void chooseLanguage(user.locale);
  }, [user.id, user.locale]);

  // Each navigation checks the session is still alive (signed out elsewhere, deactivated…):
  // a 401 sends the person to /login.
  useEffect(() => {
    close();
    if (pathname === firstPath.current) return;
    firstPath.current = pathname;
    mainRef.current?.focus();
    void queryClient.invalidateQueries({ queryKey: sessionKey });
  }, [pathname, close, queryClient]);

  const saveLanguage = useMutation({
    mutationFn: (locale: Language) => http.patch('/api/v1/me', { locale }),
  });
  const onLanguage = (locale: Language) => {
    queryClient.setQueryData<SessionResponse | null>(sessionKey, (old) =>
      old ? { ...old, user: { ...old.user, locale } } : old,
    );
    saveLanguage.mutate(locale);
  };

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <a href="#main" className={classes.skipLink}>
        {t('app.skipToContent')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? t('app.nav.close') : t('app.nav.open')}
              aria-expanded={opened}
              aria-controls="app-navbar"
            />
            <Anchor component={Link} to={homeOf(user.role)} underline="never" className={classes.brand}>
              {t('app.name')}
            </Anchor>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <LanguageSwitch onChosen={onLanguage} />
            <UserMenu user={user} />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar id="app-navbar" p="sm" aria-label={t('app.nav.label')} inert={narrow && !opened}>
        {navFor(user.role).map((entry) => (
          <MantineNavLink key={entry.to} component={NavLink} to={entry.to} label={t(entry.label)} className={classes.sideLink} />
        ))}
      </AppShell.Navbar>
      <AppShell.Main id="main" ref={mainRef} tabIndex={-1} className={classes.main}>
        <Container size="lg" px={0} py="xs">
          {children ?? <Outlet />}
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}
