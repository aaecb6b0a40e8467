import { Module } from '@nestjs/common';
import { DashboardBundle } from './dashboard.bundle.js';
import { DashboardController } from './dashboard.controller.js';

/** The web dashboard at `/`: its page for every view path and its bundle. */
@Module({
  controllers: [DashboardController],
  providers: [{ provide: DashboardBundle, useFactory: () => new DashboardBundle() }],
})
export class DashboardModule {}
