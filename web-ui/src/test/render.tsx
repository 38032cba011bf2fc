import { MantineProvider } from '@mantine/core';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { ProjectProvider } from '../app/project';

/** Renders inside Mantine's test environment (no transitions, no portals). */
export function renderWithMantine(ui: ReactElement) {
  return render(<MantineProvider env="test">{ui}</MantineProvider>);
}

/**
 * Renders `page` as the route `path` opened at `entry` (a URL with its query), inside
 * Mantine's test environment; with `project`, inside that project's context.
 */
export function renderRoute(path: string, entry: string, page: ReactElement, project?: string) {
  const element = project === undefined ? page : <ProjectProvider project={project} projects={[]}>{page}</ProjectProvider>;
  const router = createMemoryRouter([{ path, element }], { initialEntries: [entry] });
  return renderWithMantine(<RouterProvider router={router} />);
}
