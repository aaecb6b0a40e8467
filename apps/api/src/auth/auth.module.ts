import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../../libs/config/src/index.js';
import { AccessPolicy } from '../../../../libs/auth/src/index.js';
import { AccessErrorFilter } from './access-error.filter.js';
import { RoleGuard } from './role.guard.js';

/** Who may call the API: the policy (built at start, refusing an open non-loopback bind) and its guard. */
@Global()
@Module({
  providers: [
    { provide: AccessPolicy, inject: [COSMOS_CONFIG], useFactory: (config: CosmosConfig) => AccessPolicy.fromConfig(config) },
    { provide: APP_GUARD, useClass: RoleGuard },
    { provide: APP_FILTER, useClass: AccessErrorFilter },
  ],
  exports: [AccessPolicy],
})
export class AuthModule {}
