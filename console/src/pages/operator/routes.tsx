// Operator pages (every signed-in user works with their own data; admins too).
import { lazy } from 'react';
import {
  ContactsOutlined, DashboardOutlined, FileTextOutlined, FolderOutlined, IdcardOutlined, SendOutlined, WalletOutlined,
} from '@ant-design/icons';
import { EVERYONE, type ConsoleRoute } from '../types';

export const operatorRoutes: ConsoleRoute[] = [
  { path: '', component: lazy(() => import('../DashboardPage')), roles: EVERYONE,
    menu: { labelKey: 'nav.dashboard', icon: <DashboardOutlined />, order: 0 } },
  { path: 'campaigns', component: lazy(() => import('./campaigns/CampaignsPage')), roles: EVERYONE,
    menu: { labelKey: 'nav.campaigns', icon: <SendOutlined />, order: 10 } },
  { path: 'campaigns/new', component: lazy(() => import('./campaigns/CampaignBuilderPage')), roles: EVERYONE },
  { path: 'campaigns/:id/edit', component: lazy(() => import('./campaigns/CampaignBuilderPage')), roles: EVERYONE },
  { path: 'campaigns/:id', component: lazy(() => import('./campaigns/CampaignPage')), roles: EVERYONE },
  { path: 'tasks/:id', component: lazy(() => import('./campaigns/TaskPage')), roles: EVERYONE },
  { path: 'contacts', component: lazy(() => import('./contacts/ContactsPage')), roles: EVERYONE,
    menu: { labelKey: 'nav.contacts', icon: <ContactsOutlined />, order: 20 } },
  { path: 'templates', component: lazy(() => import('./templates/TemplatesPage')), roles: EVERYONE,
    menu: { labelKey: 'nav.templates', icon: <FileTextOutlined />, order: 30 } },
  { path: 'templates/:id', component: lazy(() => import('./templates/TemplateEditPage')), roles: EVERYONE },
  { path: 'template-sets', component: lazy(() => import('./templates/TemplateSetsPage')), roles: EVERYONE,
    menu: { labelKey: 'nav.templateSets', icon: <FolderOutlined />, order: 40 } },
  { path: 'sender-names', component: lazy(() => import('./senders/SenderNamesPage')), roles: EVERYONE,
    menu: { labelKey: 'nav.senderNames', icon: <IdcardOutlined />, order: 50 } },
  { path: 'quota', component: lazy(() => import('./quota/QuotaPage')), roles: EVERYONE,
    menu: { labelKey: 'nav.quota', icon: <WalletOutlined />, order: 60 } },
];
