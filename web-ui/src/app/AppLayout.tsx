import {
  AppShell,
  Avatar,
  Burger,
  Button,
  Group,
  Menu,
  Modal,
  NavLink,
  ScrollArea,
  Select,
  Stack,
  Text,
  TextInput,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { Suspense, useEffect, useState } from 'react';
import { Link, Navigate, Outlet, useLocation, useMatch, useNavigate } from 'react-router';
import { api, sessions } from '../api';
import { ErrorAlert, Loading } from '../components/common';
import {
  IconBug,
  IconFlag,
  IconHistory,
  IconLayers,
  IconPlus,
  IconSegments,
  IconToken,
  IconUsers,
  IconWebhook,
} from '../components/icons';
import { useLoad } from '../lib/useLoad';
import { live, useLiveEvents, useStreamStatus } from './live';
import { LAST_PROJECT_KEY, ProjectProvider, useMaybeProject } from './project';
import { useCan, useSession } from './session';
import { useAction } from '../lib/useAction';

function StreamIndicator() {
  const status = useStreamStatus();
  const color = status === 'open' ? 'teal' : status === 'unavailable' || status === 'off' ? 'gray' : 'yellow';
  const text =
    status === 'open'
      ? 'Live updates on'
      : status === 'unavailable'
        ? 'Live updates are not available on this server'
        : status === 'off'
          ? 'Live updates off'
          : 'Connecting to live updates…';
  return (
    <Tooltip label={text}>
      <span
        role="status"
        tabIndex={0}
        aria-label={text}
        data-testid="stream-status"
        data-status={status}
        style={{
          display: 'inline-block',
          width: 10,
          height: 10,
          borderRadius: 5,
          background: `var(--mantine-color-${color}-6)`,
        }}
      />
    </Tooltip>
  );
}

function Switchers() {
  const scope = useMaybeProject();
  const navigate = useNavigate();
  const inProject = useMatch('/p/:project/*');
  if (!scope) return null;
  return (
    <Group gap="xs" wrap="nowrap">
      <Select
        aria-label="Project"
        size="xs"
        w={150}
        data={scope.projects.map((p) => ({ value: p.key, label: p.name || p.key }))}
        value={scope.project}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
        onChange={(p) => p && navigate(`/p/${encodeURIComponent(p)}/flags`)}
      />
      {inProject && (
        <Select
          aria-label="Environment"
          size="xs"
          w={150}
          data={scope.environments.map((e) => ({ value: e.key, label: e.name || e.key }))}
          value={scope.env || null}
          placeholder="Environment"
          allowDeselect={false}
          onChange={(e) => e && scope.setEnv(e)}
          data-testid="env-switcher"
        />
      )}
    </Group>
  );
}

function NewProjectModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (key: string) => void }) {
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const { busy, error, fields, run } = useAction();
  
  return (
    <Modal opened={opened} onClose={onClose} title="New project">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          await run(async () => {
            const p = await api.projects.create({ key: key.trim(), name: name.trim() || undefined });
            onCreated(p.key);
            setKey('');
            setName('');
          });
        }}
      >
        <Stack>
          <TextInput label="Key" description="Lower-case letters, digits, '-', '_' and '.'" required value={key} onChange={(e) => setKey(e.currentTarget.value)} error={fields['/key']?.join('; ')} data-autofocus />
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={fields['/name']?.join('; ')} />
          {error && !Object.keys(fields).length ? <ErrorAlert error={error} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Create project
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function Nav({ project, onNavigate, onNewProject }: { project: string; onNavigate: () => void; onNewProject: () => void }) {
  const location = useLocation();
  const isAdmin = useCan('admin');
  const p = `/p/${encodeURIComponent(project)}`;
  const items = [
    { to: `${p}/flags`, label: 'Flags', icon: <IconFlag /> },
    { to: `${p}/segments`, label: 'Segments', icon: <IconSegments /> },
    { to: `${p}/debugger`, label: 'Debugger', icon: <IconBug /> },
    { to: `${p}/change-requests`, label: 'Change requests', icon: <IconHistory /> },
    { to: `${p}/scheduled-changes`, label: 'Scheduled changes', icon: <IconHistory /> },
    { to: `${p}/environments`, label: 'Environments & SDK keys', icon: <IconLayers /> },
    { to: '/audit', label: 'Audit log', icon: <IconHistory /> },
    ...(isAdmin
      ? [
          { to: `${p}/webhooks`, label: 'Webhooks', icon: <IconWebhook /> },
          { to: '/tokens', label: 'API tokens', icon: <IconToken /> },
          { to: '/users', label: 'Users', icon: <IconUsers /> },
        ]
      : []),
  ];
  return (
    <nav aria-label="Main">
      <Stack gap={2}>
        {items.map((it) => (
          <NavLink
            key={it.to}
            component={Link}
            to={it.to}
            label={it.label}
            leftSection={it.icon}
            active={location.pathname === it.to || location.pathname.startsWith(it.to + '/')}
            onClick={onNavigate}
          />
        ))}
        {isAdmin && (
          <NavLink component="button" label="New project…" leftSection={<IconPlus />} onClick={onNewProject} mt="md" />
        )}
      </Stack>
    </nav>
  );
}

function UserMenu() {
  const session = useSession();
  const navigate = useNavigate();
  if (!session) return null;
  const u = session.user;
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label={`Account menu for ${u.email}`} data-testid="user-menu">
          <Group gap={6} wrap="nowrap">
            <Avatar size="sm" radius="xl" color="blue">
              {(u.name || u.email).slice(0, 1).toUpperCase()}
            </Avatar>
            <Text size="sm" visibleFrom="md" maw={180} truncate>
              {u.name || u.email}
            </Text>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          {u.email} · {u.role}
        </Menu.Label>
        <Menu.Item onClick={() => navigate('/account')}>My account</Menu.Item>
        <Menu.Item
          color="red"
          onClick={async () => {
            try {
              await api.auth.logout();
            } catch {
              // the session ends here whatever the server said
            }
            sessions.set(null);
            navigate('/login');
          }}
        >
          Log out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

export function AppLayout() {
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const [opened, { toggle, close }] = useDisclosure();
  const [newProject, setNewProject] = useState(false);
  const match = useMatch('/p/:project/*');
  const projects = useLoad(() => (session ? api.projects.list().then((p) => p.items) : Promise.resolve([])), [session?.user.id]);

  const userId = session?.user.id;
  useEffect(() => {
    if (!userId) return;
    live.start();
    return () => live.stop();
  }, [userId]);
  useLiveEvents((e) => {
    if (e.resource_type === 'project') void projects.reload(true);
  });

  if (!session) {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }

  const list = projects.data ?? [];
  const fromUrl = match?.params.project;
  const remembered = localStorage.getItem(LAST_PROJECT_KEY);
  const project = fromUrl ?? (remembered && list.some((p) => p.key === remembered) ? remembered : (list[0]?.key ?? 'default'));

  return (
    <ProjectProvider project={project} projects={list}>
      <a className="skip-link" href="#main-content">
        Skip to content
      </a>
      <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: 'md', collapsed: { mobile: !opened } }} padding="md">
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap">
              <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" aria-label={opened ? 'Close navigation' : 'Open navigation'} />
              <Link to="/" style={{ textDecoration: 'none', color: 'inherit' }} aria-label="Vexil home">
                <Group gap={6} wrap="nowrap">
                  <img src="/favicon.svg" width={24} height={24} alt="" />
                  <Text fw={700} visibleFrom="sm">
                    Vexil
                  </Text>
                </Group>
              </Link>
              <Switchers />
            </Group>
            <Group gap="md" wrap="nowrap">
              <StreamIndicator />
              <UserMenu />
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs">
          <AppShell.Section grow component={ScrollArea}>
            <Nav project={project} onNavigate={close} onNewProject={() => setNewProject(true)} />
          </AppShell.Section>
        </AppShell.Navbar>
        <AppShell.Main>
          <div id="main-content" tabIndex={-1}>
            {projects.error ? <ErrorAlert error={projects.error} onRetry={() => void projects.reload()} /> : null}
            <Suspense fallback={<Loading />}>
              <Outlet />
            </Suspense>
          </div>
        </AppShell.Main>
      </AppShell>
      <NewProjectModal
        opened={newProject}
        onClose={() => setNewProject(false)}
        onCreated={(key) => {
          setNewProject(false);
          notifications.show({ color: 'teal', message: `Project ${key} created` });
          void projects.reload(true).then(() => navigate(`/p/${encodeURIComponent(key)}/flags`));
        }}
      />
    </ProjectProvider>
  );
}
