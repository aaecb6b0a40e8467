import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { loadConfig, type CosmosConfig } from '../config.loader.js';
import { COSMOS_CONFIG } from '../config.token.js';
import { CosmosConfigModule } from './config.module.js';

@Injectable()
class PortReader {
  constructor(@Inject(COSMOS_CONFIG) readonly config: CosmosConfig) {}
}

// Declared in a module that does not import CosmosConfigModule: the config is global.
@Module({ providers: [PortReader], exports: [PortReader] })
class FeatureModule {}

describe('CosmosConfigModule', () => {
  it('provides the loaded config globally under COSMOS_CONFIG', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'cosmos-config-'));
    const config = loadConfig({ cwd, env: { COSMOS_PORT: '0' } });
    rmSync(cwd, { recursive: true });

    const moduleRef = await Test.createTestingModule({ imports: [CosmosConfigModule.forRoot(config), FeatureModule] }).compile();

    expect(moduleRef.get(COSMOS_CONFIG)).toBe(config);
    expect(moduleRef.get(PortReader).config.server.port).toBe(0);
    await moduleRef.close();
  });
});
