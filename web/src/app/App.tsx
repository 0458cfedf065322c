import { createTheme, MantineProvider } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { SignInPage } from '../features/accounts/SignInPage';
import { HomePage } from '../features/home/HomePage';
import { createQueryClient } from '../lib/query-client';
import { AppLayout } from './AppLayout';
import { NotFoundPage } from './NotFoundPage';

const theme = createTheme({
  primaryColor: 'blue',
  defaultRadius: 'sm',
});

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    // No <ColorSchemeScript>: it is an inline script, which the CSP forbids; index.html
    // carries data-mantine-color-scheme="light" statically instead.
    <MantineProvider theme={theme} defaultColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <Routes>
            <Route element={<AppLayout />}>
              <Route index element={<HomePage />} />
              <Route path="login" element={<SignInPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  );
}
