import { Suspense, useMemo, useState } from 'react';
import { Link, Outlet, useLocation } from 'react-router-dom';
import Layout from 'antd/es/layout';
import Menu from 'antd/es/menu';
import Button from 'antd/es/button';
import Drawer from 'antd/es/drawer';
import Dropdown from 'antd/es/dropdown';
import Grid from 'antd/es/grid';
import Space from 'antd/es/space';
import Spin from 'antd/es/spin';
import Typography from 'antd/es/typography';
import { GlobalOutlined, LogoutOutlined, MenuOutlined, UserOutlined } from '@ant-design/icons';
import type { MenuProps } from 'antd/es/menu';
import { useAuth } from '../auth/AuthContext';
import { useI18n } from '../i18n';
import { areas } from '../pages';

const { Header, Sider, Content } = Layout;

/** The side menu (a drawer on a phone-width screen), built from the areas' route lists and the user's role. */
export default function AppLayout() {
  const { user, signOut } = useAuth();
  const { t, lang, setLang } = useI18n();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const narrow = !screens.md;
  const [drawerOpen, setDrawerOpen] = useState(false);

  const items = useMemo<MenuProps['items']>(() => {
    if (!user) return [];
    return areas
      .map((area) => {
        const pages = area.routes
          .filter((r) => r.menu && r.roles.includes(user.role))
          .sort((a, b) => (a.menu!.order ?? 100) - (b.menu!.order ?? 100));
        if (!pages.length) return null;
        return {
          type: 'group' as const,
          key: area.key,
          label: t(area.labelKey),
          children: pages.map((r) => ({
            key: '/' + r.path,
            icon: r.menu!.icon,
            label: <Link to={'/' + r.path}>{t(r.menu!.labelKey)}</Link>,
          })),
        };
      })
      .filter(Boolean);
  }, [user, t]);

  // the deepest menu entry that is a prefix of the current path is the selected one
  const selected = useMemo(() => {
    const keys = areas.flatMap((a) => a.routes).filter((r) => r.menu).map((r) => '/' + r.path);
    const path = location.pathname;
    return keys.filter((k) => (k === '/' ? path === '/' : path === k || path.startsWith(k + '/')))
      .sort((a, b) => b.length - a.length)
      .slice(0, 1);
  }, [location.pathname]);

  const menu = (
    <Menu mode="inline" items={items} selectedKeys={selected} onClick={() => setDrawerOpen(false)}
          aria-label={t('nav.menu')} style={{ borderInlineEnd: 0 }} />
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {!narrow && (
        <Sider width={220} theme="light" style={{ borderRight: '1px solid #f0f0f0' }}>
          <div style={{ padding: '16px 20px', fontWeight: 600, fontSize: 16 }}>{t('app.name')}</div>
          <nav>{menu}</nav>
        </Sider>
      )}
      <Drawer open={narrow && drawerOpen} onClose={() => setDrawerOpen(false)} placement="left" width={240}
              title={t('app.name')} styles={{ body: { padding: 0 } }}>
        <nav>{menu}</nav>
      </Drawer>
      <Layout>
        <Header style={{ background: '#fff', padding: '0 16px', display: 'flex', alignItems: 'center',
                         justifyContent: 'space-between', borderBottom: '1px solid #f0f0f0' }}>
          <Space>
            {narrow && (
              <Button icon={<MenuOutlined />} aria-label={t('nav.menu')} onClick={() => setDrawerOpen(true)} />
            )}
            {narrow && <Typography.Text strong>{t('app.name')}</Typography.Text>}
          </Space>
          <Space>
            <Button icon={<GlobalOutlined />} onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}
                    aria-label={t('nav.switchLanguage')} data-testid="switch-language">
              {lang === 'zh-CN' ? 'English' : '中文'}
            </Button>
            {/* Opens on click (also by keyboard and touch), not on hover: a menu that needs a pointer resting on it
                closes under a moving pointer and cannot be reached on a phone. */}
            <Dropdown trigger={['click']} menu={{
              items: [{ key: 'sign-out', icon: <LogoutOutlined />, label: t('nav.signOut') }],
              onClick: () => signOut(),
            }}>
              <Button icon={<UserOutlined />} data-testid="user-menu">
                {user?.username} · {t(`role.${user?.role}`)}
              </Button>
            </Dropdown>
          </Space>
        </Header>
        <Content style={{ padding: narrow ? 12 : 24 }}>
          <Suspense fallback={<Spin style={{ display: 'block', margin: 48 }} />}>
            <Outlet />
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
}
