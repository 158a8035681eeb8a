import { EXTERNAL_CHANNELS, type ExternalChannel } from '@chat4all/contracts';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ChannelModule } from './channel-module';

export class ChannelRegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChannelRegistryError';
  }
}

function isChannelModule(value: unknown): value is ChannelModule {
  const candidate = value as Partial<ChannelModule> | undefined;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.channel === 'string' &&
    typeof candidate.capabilities === 'object' &&
    typeof candidate.createConnector === 'function' &&
    typeof candidate.createSimulator === 'function'
  );
}

/**
 * Every channel folder beside this file, each one's `index` exporting `channelModule`: adding a
 * channel is adding a folder (and its name to EXTERNAL_CHANNELS, which names the Kafka topics).
 * A folder that breaks the rule stops the start-up rather than being skipped.
 */
export function loadChannelModules(directory: string = __dirname): ChannelModule[] {
  const folders = readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return folders.map((folder) => {
    // require, not import(): discovery must be synchronous (Jest declares tests synchronously), and
    // it resolves `index` both to the .ts sources under Jest and to the built .js files.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(join(directory, folder)) as { channelModule?: unknown };
    const module = exported.channelModule;
    if (!isChannelModule(module)) throw new ChannelRegistryError(`channels/${folder}/index does not export a channelModule`);
    if (module.channel !== folder) throw new ChannelRegistryError(`channels/${folder} declares channel '${module.channel}'; the folder must be named after it`);
    if (!(EXTERNAL_CHANNELS as readonly string[]).includes(module.channel)) {
      throw new ChannelRegistryError(`channel '${module.channel}' is not in EXTERNAL_CHANNELS (@chat4all/contracts)`);
    }
    return module;
  });
}

/** The modules by channel; throws for a channel that has no folder. */
export function channelModuleFor(channel: ExternalChannel, modules: readonly ChannelModule[] = loadChannelModules()): ChannelModule {
  const found = modules.find((m) => m.channel === channel);
  if (!found) throw new ChannelRegistryError(`no connector folder for channel '${channel}'`);
  return found;
}
