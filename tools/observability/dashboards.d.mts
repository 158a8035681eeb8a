export declare const DASHBOARDS_DIR: string;
export declare const DEFINITIONS: Array<{ uid: string; title: string; description: string; rows: Array<{ title: string; panels: object[] }> }>;
export declare function renderDashboards(): Array<{ file: string; text: string }>;
export declare function staleDashboards(dir?: string): string[];
export declare function writeDashboards(dir?: string): void;
