import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api } from '../api';
import type { Environment, Project } from '../api/types';
import { useLoad } from '../lib/useLoad';
import { useLiveEvents } from './live';

export interface ProjectScope {
  project: string;
  projects: Project[];
  environments: Environment[];
  environmentsError: unknown;
  environmentsLoading: boolean;
  /** The environment picked in the header switcher. */
  env: string;
  setEnv: (key: string) => void;
  reloadEnvironments: () => Promise<void>;
}

const Ctx = createContext<ProjectScope | null>(null);

export function useProject(): ProjectScope {
  const v = useContext(Ctx);
  if (!v) throw new Error('useProject outside a project');
  return v;
}

/** The project in scope, if any (the header uses it outside project pages too). */
export function useMaybeProject(): ProjectScope | null {
  return useContext(Ctx);
}

const envKey = (project: string) => `vexil.env.${project}`;
export const LAST_PROJECT_KEY = 'vexil.project';

export function ProjectProvider({ project, projects, children }: { project: string; projects: Project[]; children: ReactNode }) {
  const envs = useLoad(() => api.environments.list(project).then((p) => p.items), [project]);
  const [picked, setPicked] = useState<string | null>(() => localStorage.getItem(envKey(project)));

  useEffect(() => {
    localStorage.setItem(LAST_PROJECT_KEY, project);
    setPicked(localStorage.getItem(envKey(project)));
  }, [project]);

  useLiveEvents((e) => {
    if (e.resource_type === 'environment' && e.project === project) void envs.reload(true);
  });

  const environments = useMemo(() => [...(envs.data ?? [])].sort((a, b) => a.position - b.position), [envs.data]);
  const env =
    picked && environments.some((e) => e.key === picked)
      ? picked
      : (environments.find((e) => e.key === 'production')?.key ?? environments[0]?.key ?? '');

  const setEnv = useCallback(
    (key: string) => {
      localStorage.setItem(envKey(project), key);
      setPicked(key);
    },
    [project],
  );

  const value: ProjectScope = {
    project,
    projects,
    environments,
    environmentsError: envs.error,
    environmentsLoading: envs.loading && !envs.data,
    env,
    setEnv,
    reloadEnvironments: () => envs.reload(true),
  };
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}
