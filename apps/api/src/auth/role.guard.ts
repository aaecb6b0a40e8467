import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { IncomingMessage } from 'node:http';
import { AccessPolicy, Forbidden, type Principal, type Role, roleCovers, Unauthenticated } from '../../../../libs/auth/src/index.js';
import type { RequestContext } from '../graphql/request-context.js';
import { REQUIRED_ROLE, type RoleRule } from './requires.decorator.js';

/**
 * Every GraphQL root field and HTTP route passes here. GraphQL callers were identified when their
 * request or socket was (request-context.ts); HTTP routes present their token here.
 */
@Injectable()
export class RoleGuard implements CanActivate {
  private readonly logger = new Logger('Access');

  constructor(
    private readonly reflector: Reflector,
    @Inject(AccessPolicy) private readonly policy: AccessPolicy,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const rule = this.reflector.getAllAndOverride<RoleRule | 'public' | undefined>(REQUIRED_ROLE, [context.getHandler(), context.getClass()]);
    if (rule === 'public') return true;
    if (context.getType<string>() === 'graphql') {
      const gql = GqlExecutionContext.create(context);
      const info = gql.getInfo<{ parentType: { name: string }; fieldName: string }>();
      const needed = neededRole(rule, gql.getArgs(), info.parentType.name === 'Mutation' ? 'admin' : 'viewer');
      return this.check(gql.getContext<RequestContext>().principal, needed, `${info.parentType.name.toLowerCase()} ${info.fieldName}`);
    }
    const request = context.switchToHttp().getRequest<IncomingMessage & { url?: string; method?: string }>();
    const what = `${request.method ?? 'GET'} ${(request.url ?? '').split('?')[0]}`;
    let principal: Principal;
    try {
      principal = this.policy.authenticate(presentedAuthorization(request));
    } catch (error) {
      if (error instanceof Unauthenticated) this.logger.warn({ msg: 'access denied', what, reason: error.details.reason });
      throw error;
    }
    return this.check(principal, neededRole(rule, {}, 'viewer'), what);
  }

  private check(principal: Principal, needed: Role, what: string): boolean {
    if (roleCovers(principal.role, needed)) return true;
    // The token's name, never its value.
    this.logger.warn({ msg: 'access denied', what, token: principal.name, role: principal.role, needed });
    throw new Forbidden(what, needed, principal.role);
  }
}

/**
 * The dashboard's players and download links cannot send headers, so a GET may present the token
 * in the `cosmos_token` cookie the dashboard sets at sign-in (SameSite=Strict). Only a GET or
 * HEAD: those read, so a cookie sent along by some other page could change nothing. GraphQL never
 * reads the cookie (its socket presents the token in connectionParams).
 */
export function presentedAuthorization(request: IncomingMessage): string | undefined {
  if (request.headers.authorization !== undefined) return request.headers.authorization;
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  const cookie = /(?:^|;\s*)cosmos_token=([^;]+)/.exec(request.headers.cookie ?? '');
  return cookie ? `Bearer ${decodeURIComponent(cookie[1]!)}` : undefined;
}

function neededRole(rule: RoleRule | undefined, args: Record<string, unknown>, otherwise: Role): Role {
  if (rule === undefined) return otherwise;
  return typeof rule === 'function' ? rule(args) : rule;
}
