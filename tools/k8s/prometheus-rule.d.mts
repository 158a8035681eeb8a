export declare const ROOT: string;
export declare const RULES_DIR: string;
export declare const OUTPUT: string;
export declare function prometheusRule(rulesDir?: string): { apiVersion: string; kind: string; metadata: Record<string, unknown>; spec: { groups: Array<{ name: string; rules: unknown[] }> } };
export declare function renderPrometheusRule(rulesDir?: string): string;
