// Admin pages: users, quota grants, sender services, user <-> service bindings, audit log, alerts.
// One entry per page (roles: ADMINS); messages go to src/i18n/<lang>/admin.ts with keys "admin.*".
import { lazy } from 'react';
import { AlertOutlined, AuditOutlined, CloudServerOutlined, TeamOutlined } from '@ant-design/icons';
import { ADMINS, type ConsoleRoute } from '../types';

export const adminRoutes: ConsoleRoute[] = [
  { path: 'admin/users', component: lazy(() => import('./UsersPage')), roles: ADMINS,
    menu: { labelKey: 'admin.nav.users', icon: <TeamOutlined />, order: 100 } },
  { path: 'admin/users/:id', component: lazy(() => import('./UserPage')), roles: ADMINS },
  { path: 'admin/sender-services', component: lazy(() => import('./SenderServicesPage')), roles: ADMINS,
    menu: { labelKey: 'admin.nav.services', icon: <CloudServerOutlined />, order: 110 } },
  { path: 'admin/sender-services/:id', component: lazy(() => import('./SenderServicePage')), roles: ADMINS },
  { path: 'admin/alerts', component: lazy(() => import('./AlertsPage')), roles: ADMINS,
    menu: { labelKey: 'admin.nav.alerts', icon: <AlertOutlined />, order: 120 } },
  { path: 'admin/audit-log', component: lazy(() => import('./AuditLogPage')), roles: ADMINS,
    menu: { labelKey: 'admin.nav.audit', icon: <AuditOutlined />, order: 130 } },
];
