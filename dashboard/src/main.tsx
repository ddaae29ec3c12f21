/** The dashboard's entry: styles, the theme, the query client and tRPC, and the router. */
import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { queryClient, setUnauthorizedHandler, TRPCProvider, trpcClient } from './api/trpc';
import { applyTheme, storedTheme } from './components/layout/theme-toggle';
import { ToastProvider } from './components/ui/toast';
import { createAppRouter } from './router';
import './styles/tokens.css';
import './styles/base.css';
import './styles/components.css';
import './styles/layout.css';
import './styles/pages.css';

applyTheme(storedTheme());

const router = createAppRouter(queryClient);

setUnauthorizedHandler(() => {
  const { pathname, href } = router.state.location;
  if (pathname === '/dashboard/sign-in') return;
  // The session is gone: forget what it could see, and come back here after signing in again.
  queryClient.clear();
  void router.navigate({ to: '/dashboard/sign-in', search: { redirect: href } });
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <ToastProvider>
          <RouterProvider router={router} />
        </ToastProvider>
      </TRPCProvider>
    </QueryClientProvider>
  </StrictMode>,
);
