export interface PanelQuery {
  dashboard: string;
  dashboardTitle: string;
  panel: string;
  panelId: number;
  refId: string;
  legend: string | undefined;
  expr: string;
  mustHaveData: boolean;
}
export interface DashboardJson {
  uid: string;
  title: string;
  refresh?: string;
  panels?: Array<Record<string, unknown>>;
  [key: string]: unknown;
}
export declare const DASHBOARDS_DIR: string;
export declare function readDashboards(dir?: string): DashboardJson[];
export declare function dashboardPanels(dashboards?: DashboardJson[]): Array<{ dashboard: DashboardJson; panel: Record<string, unknown> }>;
export declare function panelQueries(dashboards?: DashboardJson[]): PanelQuery[];
export declare function withRateInterval(expr: string, window?: string): string;
