import { Module } from '@nestjs/common';
import { PlaygroundAssets } from './playground.assets.js';
import { PlaygroundController } from './playground.controller.js';

/** The offline GraphiQL: its bundle, the controller serving it, and (via graphqlOptions) its page. */
@Module({
  controllers: [PlaygroundController],
  providers: [{ provide: PlaygroundAssets, useFactory: () => new PlaygroundAssets() }],
  exports: [PlaygroundAssets],
})
export class PlaygroundModule {}
