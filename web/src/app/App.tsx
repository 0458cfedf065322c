import { createTheme, MantineProvider } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { lazy, Suspense, useState } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { ForgotPasswordPage } from '../features/accounts/ForgotPasswordPage';
import { SignInPage } from '../features/accounts/SignInPage';
import { TokenPasswordPage } from '../features/accounts/TokenPasswordPage';
import { ClientDetailPage } from '../features/clients/ClientDetailPage';
import { ClientsPage } from '../features/clients/ClientsPage';
import { NewClientPage } from '../features/clients/NewClientPage';
import { SubscriptionPage } from '../features/clients/SubscriptionPage';
import { ComingSoonPage } from '../features/coming-soon/ComingSoonPage';
import { OutboxPage } from '../features/outbox/OutboxPage';
import { ProfilePage } from '../features/profile/ProfilePage';
import { UsersPage } from '../features/users/UsersPage';
import { Loading } from '../components/Loading';
import { createQueryClient } from '../lib/query-client';
import { rolesOf } from './navigation';
import { PublicLayout } from './PublicLayout';
import { RequireSession } from './RequireSession';
import { HomeRoute, NotFoundRoute } from './routes';
import { SessionGuard } from './SessionGuard';
import { SignedInLayout } from './SignedInLayout';

// Paper orders (the wizard, its documents and quotes) load when first opened: the first page
// of the portal does not wait for them.
const OrdersPage = lazy(() => import('../features/orders/OrdersPage').then((m) => ({ default: m.OrdersPage })));
const OrderPage = lazy(() => import('../features/orders/OrderPage').then((m) => ({ default: m.OrderPage })));
const NewOrderPage = lazy(() => import('../features/orders/OrderPage').then((m) => ({ default: m.NewOrderPage })));
// Tariffs (the provider administrator's price lists) likewise.
const TariffsPage = lazy(() => import('../features/tariffs/TariffsPage').then((m) => ({ default: m.TariffsPage })));
// The production floor (operators and provider administrators) likewise.
const ProductionPage = lazy(() => import('../features/production/ProductionPage').then((m) => ({ default: m.ProductionPage })));
// The client administrator's webhooks likewise.
// The archives (and the proof verifier they carry) likewise.
const ArchivePage = lazy(() => import('../features/archive/ArchivePage').then((m) => ({ default: m.ArchivePage })));
const ArchiveItemPage = lazy(() => import('../features/archive/ArchiveItemPage').then((m) => ({ default: m.ArchiveItemPage })));
// E-letters: the sender's page, and the recipients' pages (who are not portal users).
const NewEletterPage = lazy(() => import('../features/eletters/NewEletterPage').then((m) => ({ default: m.NewEletterPage })));
const RecipientLinkPage = lazy(() => import('../features/recipient/RecipientPages').then((m) => ({ default: m.RecipientLinkPage })));
const RecipientLetterPage = lazy(() => import('../features/recipient/RecipientPages').then((m) => ({ default: m.RecipientLetterPage })));
// What comes back from La Poste: the floor's returns desk, and the client's returned mail.
const ReturnsDeskPage = lazy(() => import('../features/returns/ReturnsDeskPage').then((m) => ({ default: m.ReturnsDeskPage })));
const ReturnedMailPage = lazy(() => import('../features/returns/ReturnedMailPage').then((m) => ({ default: m.ReturnedMailPage })));
// The tracking tab: every mailpiece the client may follow.
const TrackingPage = lazy(() => import('../features/tracking-tab/TrackingPage').then((m) => ({ default: m.TrackingPage })));
const WebhooksPage = lazy(() => import('../features/webhooks/WebhooksPage').then((m) => ({ default: m.WebhooksPage })));

const theme = createTheme({
  primaryColor: 'blue',
  defaultRadius: 'sm',
});

/** A page of the menu, for the roles that have it in their menu. */
function MenuPage({ to, children }: { to: string; children: ReactNode }) {
  return (
    <RequireSession roles={rolesOf(to)}>
      <Suspense fallback={<Loading />}>{children}</Suspense>
    </RequireSession>
  );
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    // No <ColorSchemeScript>: it is an inline script, which the CSP forbids; index.html
    // carries data-mantine-color-scheme="light" statically instead.
    <MantineProvider theme={theme} defaultColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <SessionGuard />
        <BrowserRouter>
          <Routes>
            <Route element={<PublicLayout />}>
              <Route index element={<HomeRoute />} />
              <Route path="login" element={<SignInPage />} />
              <Route path="activate/:token" element={<TokenPasswordPage kind="activation" />} />
              <Route path="forgot-password" element={<ForgotPasswordPage />} />
              <Route path="reset-password/:token" element={<TokenPasswordPage kind="reset" />} />
              {/* An e-letter's recipient: never a portal user (their own session, their letter only). */}
              <Route path="r/letter" element={<Suspense fallback={<Loading />}><RecipientLetterPage /></Suspense>} />
              <Route path="r/:link" element={<Suspense fallback={<Loading />}><RecipientLinkPage /></Suspense>} />
            </Route>
            <Route
              element={
                <RequireSession>
                  <SignedInLayout />
                </RequireSession>
              }
            >
              <Route path="orders" element={<MenuPage to="/orders"><OrdersPage /></MenuPage>} />
              <Route path="orders/new" element={<MenuPage to="/orders"><NewOrderPage /></MenuPage>} />
              <Route path="orders/:id" element={<MenuPage to="/orders"><OrderPage /></MenuPage>} />
              <Route path="eletters/new" element={<MenuPage to="/orders"><NewEletterPage /></MenuPage>} />
              <Route path="tracking" element={<MenuPage to="/tracking"><TrackingPage /></MenuPage>} />
              <Route path="returned-mail" element={<MenuPage to="/returned-mail"><ReturnedMailPage /></MenuPage>} />
              <Route path="archive" element={<MenuPage to="/archive"><ArchivePage /></MenuPage>} />
              <Route path="archive/:id" element={<MenuPage to="/archive"><ArchiveItemPage /></MenuPage>} />
              <Route path="support" element={<MenuPage to="/support"><ComingSoonPage feature="support" /></MenuPage>} />
              <Route path="users" element={<MenuPage to="/users"><UsersPage /></MenuPage>} />
              <Route path="subscription" element={<MenuPage to="/subscription"><SubscriptionPage /></MenuPage>} />
              <Route path="webhooks" element={<MenuPage to="/webhooks"><WebhooksPage /></MenuPage>} />
              <Route path="clients" element={<MenuPage to="/clients"><ClientsPage /></MenuPage>} />
              <Route path="clients/new" element={<MenuPage to="/clients"><NewClientPage /></MenuPage>} />
              <Route path="clients/:id" element={<MenuPage to="/clients"><ClientDetailPage /></MenuPage>} />
              <Route path="tariffs" element={<MenuPage to="/tariffs"><TariffsPage /></MenuPage>} />
              <Route path="production" element={<MenuPage to="/production"><ProductionPage /></MenuPage>} />
              <Route path="returns" element={<MenuPage to="/returns"><ReturnsDeskPage /></MenuPage>} />
              <Route path="support-desk" element={<MenuPage to="/support-desk"><ComingSoonPage feature="supportDesk" /></MenuPage>} />
              <Route path="outbox" element={<MenuPage to="/outbox"><OutboxPage /></MenuPage>} />
              <Route path="profile" element={<ProfilePage />} />
            </Route>
            <Route path="*" element={<NotFoundRoute />} />
          </Routes>
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  );
}
