import { SetMetadata } from '@nestjs/common';
import type { Role } from '../../../../libs/auth/src/index.js';

export const REQUIRED_ROLE = 'cosmos:required-role';

/** The role a handler needs; a function decides from the handler's arguments (verifyIntegrity's `fix`). */
export type RoleRule = Role | ((args: Record<string, unknown>) => Role);

/**
 * Queries, subscriptions and HTTP routes need `viewer` unless they say otherwise; a mutation that
 * says nothing needs `admin`, so a new one is closed until someone decides who may call it.
 */
export const Requires = (rule: RoleRule) => SetMetadata(REQUIRED_ROLE, rule);

/** Served to anyone: liveness, readiness and the playground's static bundle (no data in them). */
export const Public = () => SetMetadata(REQUIRED_ROLE, 'public');
