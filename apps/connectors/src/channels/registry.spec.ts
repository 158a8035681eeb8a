import { EXTERNAL_CHANNELS } from '@chat4all/contracts';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChannelRegistryError, channelModuleFor, loadChannelModules } from './registry';

describe('channel registry', () => {
  it('finds one module per external channel, each in the folder named after it', () => {
    expect(loadChannelModules().map((m) => m.channel)).toEqual([...EXTERNAL_CHANNELS].sort());
  });

  it('looks a module up by channel', () => {
    expect(channelModuleFor('telegram').channel).toBe('telegram');
  });

  describe('with a folder that breaks the rules', () => {
    const root = mkdtempSync(join(tmpdir(), 'channels-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    const folder = (name: string, index: string) => {
      const directory = mkdtempSync(join(root, 'case-'));
      mkdirSync(join(directory, name));
      writeFileSync(join(directory, name, 'index.js'), index);
      return directory;
    };
    const module = (channel: string) =>
      `exports.channelModule = { channel: '${channel}', capabilities: {}, createConnector() {}, createSimulator() {} };`;

    it('refuses a folder without a channelModule', () => {
      expect(() => loadChannelModules(folder('whatsapp', 'exports.other = 1;'))).toThrow(ChannelRegistryError);
    });

    it('refuses a module whose folder is named otherwise', () => {
      expect(() => loadChannelModules(folder('whatsapp2', module('whatsapp')))).toThrow(/must be named after it/);
    });

    it('refuses a channel the contracts do not know', () => {
      expect(() => loadChannelModules(folder('sms', module('sms')))).toThrow(/EXTERNAL_CHANNELS/);
    });
  });
});
