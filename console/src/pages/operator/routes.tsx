// Operator pages (every signed-in user works with their own data; admins too).
import { lazy } from 'react';
import { DashboardOutlined } from '@ant-design/icons';
import { EVERYONE, type ConsoleRoute } from '../types';

export const operatorRoutes: ConsoleRoute[] = [
  {
    path: '',
    component: lazy(() => import('../DashboardPage')),
    roles: EVERYONE,
    menu: { labelKey: 'nav.dashboard', icon: <DashboardOutlined />, order: 0 },
  },
];
