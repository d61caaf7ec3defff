import { adminRoutes } from './admin/routes';
import { developerRoutes } from './developer/routes';
import { operatorRoutes } from './operator/routes';
import type { Role } from '../auth/AuthContext';
import type { ConsoleRoute } from './types';

/** The menu's sections, in order; each section's pages come from its own routes.tsx. */
export const areas: { key: 'operator' | 'developer' | 'admin'; labelKey: string; routes: ConsoleRoute[] }[] = [
  { key: 'operator', labelKey: 'nav.area.operator', routes: operatorRoutes },
  { key: 'developer', labelKey: 'nav.area.developer', routes: developerRoutes },
  { key: 'admin', labelKey: 'nav.area.admin', routes: adminRoutes },
];

export function routesFor(role: Role): ConsoleRoute[] {
  return areas.flatMap((a) => a.routes).filter((r) => r.roles.includes(role));
}
