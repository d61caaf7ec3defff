import type { ComponentType, LazyExoticComponent, ReactNode } from 'react';
import type { Role } from '../auth/AuthContext';

/**
 * One page of the console. Each area lists its pages in its own routes.tsx (operator/, admin/, developer/);
 * the router and the menu are built from these lists, so adding a page means adding one entry there
 * (lazy-loaded, so it costs nothing in the initial bundle) and its message keys in src/i18n/<lang>/<area>.ts.
 */
export interface ConsoleRoute {
  /** path below the console root, without a leading slash, e.g. "admin/users" or "admin/users/:id" */
  path: string;
  component: LazyExoticComponent<ComponentType>;
  /** who may open it; the menu hides it and the router answers "not found" for everyone else */
  roles: Role[];
  /** shown in the side menu when present (detail pages usually have none) */
  menu?: { labelKey: string; icon?: ReactNode; order?: number };
}

export const EVERYONE: Role[] = ['ADMIN', 'OPERATOR'];
export const ADMINS: Role[] = ['ADMIN'];
