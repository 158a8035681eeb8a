// External channels reached through connectors (simulated for now: spec clarification 3).
export const EXTERNAL_CHANNELS = ['whatsapp', 'instagram', 'telegram', 'messenger'] as const;
export type ExternalChannel = (typeof EXTERNAL_CHANNELS)[number];
