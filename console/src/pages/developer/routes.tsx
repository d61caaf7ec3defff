// Developer pages: sending domains (with mailboxes), API keys, message log, outgoing webhooks. Every signed-in user
// may use them (roles: EVERYONE). Messages go to src/i18n/<lang>/developer.ts with keys "developer.*".
import { lazy } from 'react';
import { ApiOutlined, GlobalOutlined, KeyOutlined, MailOutlined } from '@ant-design/icons';
import { EVERYONE, type ConsoleRoute } from '../types';

export const developerRoutes: ConsoleRoute[] = [
  { path: 'developer/domains', component: lazy(() => import('./domains/DomainsPage')), roles: EVERYONE,
    menu: { labelKey: 'developer.nav.domains', icon: <GlobalOutlined />, order: 70 } },
  { path: 'developer/domains/:id', component: lazy(() => import('./domains/DomainPage')), roles: EVERYONE },
  { path: 'developer/api-keys', component: lazy(() => import('./ApiKeysPage')), roles: EVERYONE,
    menu: { labelKey: 'developer.nav.keys', icon: <KeyOutlined />, order: 80 } },
  { path: 'developer/messages', component: lazy(() => import('./MessagesPage')), roles: EVERYONE,
    menu: { labelKey: 'developer.nav.messages', icon: <MailOutlined />, order: 90 } },
  { path: 'developer/webhooks', component: lazy(() => import('./WebhooksPage')), roles: EVERYONE,
    menu: { labelKey: 'developer.nav.webhooks', icon: <ApiOutlined />, order: 95 } },
];
