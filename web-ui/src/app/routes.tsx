import { lazy } from 'react';
import { createBrowserRouter, Navigate, useParams } from 'react-router';
import { FlagsPage } from '../pages/FlagsPage';
import { LoginPage } from '../pages/LoginPage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { SetupPage } from '../pages/SetupPage';
import { SsoCompletePage } from '../pages/SsoCompletePage';
import { AppLayout } from './AppLayout';
import { LAST_PROJECT_KEY, useProject } from './project';

const CreateFlagPage = lazy(() => import('../pages/CreateFlagPage'));
const FlagPage = lazy(() => import('../pages/flag/FlagPage'));
const DebuggerPage = lazy(() => import('../pages/DebuggerPage'));
const SegmentsPage = lazy(() => import('../pages/SegmentsPage'));
const SegmentPage = lazy(() => import('../pages/SegmentPage'));
const EnvironmentsPage = lazy(() => import('../pages/EnvironmentsPage'));
const WebhooksPage = lazy(() => import('../pages/WebhooksPage'));
const AuditPage = lazy(() => import('../pages/AuditPage'));
const ChangeRequestsPage = lazy(() => import('../pages/ChangeRequestsPage'));
const ScheduledChangesPage = lazy(() => import('../pages/ScheduledChangesPage'));
const TokensPage = lazy(() => import('../pages/TokensPage'));
const UsersPage = lazy(() => import('../pages/UsersPage'));
const AccountPage = lazy(() => import('../pages/AccountPage'));
const ReleasePlanPage = lazy(() => import('../pages/flag/ReleasePlanPage'));

function Home() {
  const { project } = useProject();
  const last = localStorage.getItem(LAST_PROJECT_KEY);
  return <Navigate to={`/p/${encodeURIComponent(last ?? project)}/flags`} replace />;
}

function ProjectIndex() {
  const { project } = useParams();
  return <Navigate to={`/p/${encodeURIComponent(project ?? 'default')}/flags`} replace />;
}

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  { path: '/login/sso', element: <SsoCompletePage /> },
  { path: '/setup', element: <SetupPage /> },
  {
    path: '/',
    element: <AppLayout />,
    children: [
      { index: true, element: <Home /> },
      { path: 'p/:project', element: <ProjectIndex /> },
      { path: 'p/:project/flags', element: <FlagsPage /> },
      { path: 'p/:project/flags/new', element: <CreateFlagPage /> },
      { path: 'p/:project/flags/:flag', element: <FlagPage /> },
      { path: 'p/:project/flags/:flag/:tab', element: <FlagPage /> },
      { path: 'p/:project/flags/:flag/release-plan/:env', element: <ReleasePlanPage /> },
      { path: 'p/:project/debugger', element: <DebuggerPage /> },
      { path: 'p/:project/segments', element: <SegmentsPage /> },
      { path: 'p/:project/segments/:segment', element: <SegmentPage /> },
      { path: 'p/:project/environments', element: <EnvironmentsPage /> },
      { path: 'p/:project/webhooks', element: <WebhooksPage /> },
      { path: 'p/:project/change-requests', element: <ChangeRequestsPage /> },
      { path: 'p/:project/scheduled-changes', element: <ScheduledChangesPage /> },
      { path: 'audit', element: <AuditPage /> },
      { path: 'tokens', element: <TokensPage /> },
      { path: 'users', element: <UsersPage /> },
      { path: 'account', element: <AccountPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
