import { useMemo } from 'react';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router-dom';
import ConfigProvider from 'antd/es/config-provider';
import AntApp from 'antd/es/app';
import Spin from 'antd/es/spin';
import antZhCN from 'antd/es/locale/zh_CN';
import antEnUS from 'antd/es/locale/en_US';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useAuth } from './auth/AuthContext';
import { useI18n } from './i18n';
import AppLayout from './layout/AppLayout';
import SignInPage from './pages/SignInPage';
import NotFoundPage from './pages/NotFoundPage';
import { routesFor } from './pages';

/**
 * Signed out: every path shows the sign-in page (and comes back to that path after signing in).
 * Signed in: the routes the user's role may open; any other path is "not found", so an operator who types an
 * admin page's address sees nothing of it (the api refuses its calls with 403 anyway).
 */
export default function App() {
  const { user, checking } = useAuth();
  const { lang } = useI18n();
  dayjs.locale(lang === 'zh-CN' ? 'zh-cn' : 'en');

  const router = useMemo(() => {
    if (!user) {
      return createBrowserRouter([{ path: '*', element: <SignInPage /> }]);
    }
    const pages = routesFor(user.role);
    return createBrowserRouter([
      {
        path: '/',
        element: <AppLayout />,
        children: [
          ...pages.map((r) => {
            const Page = r.component;
            return r.path === '' ? { index: true, element: <Page /> } : { path: r.path, element: <Page /> };
          }),
          { path: 'sign-in', element: <Navigate to="/" replace /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ]);
  }, [user]);

  return (
    <ConfigProvider locale={lang === 'zh-CN' ? antZhCN : antEnUS}>
      <AntApp>
        {checking ? <Spin style={{ display: 'block', margin: 96 }} /> : <RouterProvider router={router} />}
      </AntApp>
    </ConfigProvider>
  );
}
