import { z } from 'zod';

// Small building blocks so every variable is validated the same way everywhere.
export const port = () => z.coerce.number().int().min(1).max(65535);

export const intInRange = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const bool = () =>
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const csvList = () =>
  z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string()).min(1, 'must list at least one value'));

export const urlWithProtocol = (...protocols: string[]) =>
  z.url({ protocol: new RegExp(`^(${protocols.join('|')})$`), error: `must be a ${protocols.join(' or ')} URL` });

export const hostPort = () =>
  z.string().regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port');
