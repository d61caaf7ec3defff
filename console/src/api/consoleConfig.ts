import { useEffect, useState } from 'react';
import { api } from './client';

/** GET /v1/console/config: what the console needs to know about this installation. */
export interface ConsoleConfig {
  temporal_ui_url: string | null;
  temporal_namespace: string;
}

let cached: Promise<ConsoleConfig> | undefined;

/** Read once per page load (it changes only with the api's configuration). */
export function useConsoleConfig(): ConsoleConfig | undefined {
  const [config, setConfig] = useState<ConsoleConfig>();
  useEffect(() => {
    cached ??= api.get<ConsoleConfig>('/v1/console/config').catch((e) => {
      cached = undefined;
      throw e;
    });
    cached.then(setConfig).catch(() => {});
  }, []);
  return config;
}

/** The Temporal Web UI page of a workflow (campaign-7, task-12, sender-service-3), or undefined without a UI. */
export function workflowUrl(config: ConsoleConfig | undefined, workflowId: string) {
  if (!config?.temporal_ui_url) return undefined;
  return `${config.temporal_ui_url}/namespaces/${encodeURIComponent(config.temporal_namespace)}/workflows/`
    + encodeURIComponent(workflowId);
}
