export declare const ALERT_VARIABLES: Record<string, string>;
export declare class AlertmanagerConfigError extends Error {}
export declare function alertmanagerConfig(env: Record<string, string | undefined>): Record<string, unknown>;
export declare function renderAlertmanagerConfig(env: Record<string, string | undefined>): string;
