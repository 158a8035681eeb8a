import { runConnectorConformance } from './conformance.test-kit';
import { loadChannelModules } from './registry';

// Every channel folder the registry finds must pass the same suite against its simulator.
for (const module of loadChannelModules()) runConnectorConformance(module);
