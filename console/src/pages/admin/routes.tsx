// Admin pages: users, quota grants, sender services, user <-> service bindings, audit log.
// Add one entry per page (roles: ADMINS); messages go to src/i18n/<lang>/admin.ts with keys "admin.*".
// Example:
//   { path: 'admin/users', component: lazy(() => import('./UsersPage')), roles: ADMINS,
//     menu: { labelKey: 'admin.nav.users', icon: <TeamOutlined /> } },
import type { ConsoleRoute } from '../types';

export const adminRoutes: ConsoleRoute[] = [];
