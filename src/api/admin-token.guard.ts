import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PrismaService } from '../database/prisma.service';

const same = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

// Endpoints that change data take a bearer token: ADMIN_TOKEN, or the per-process token the server
// writes into its lock file in the data folder (readable only by its user), which is how the
// command line hands work to a running embedded-database server.
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly prisma: PrismaService,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const accepted = [this.config.adminToken, this.prisma.lock?.token].filter(
      (t): t is string => !!t,
    );
    if (!accepted.length)
      throw new ForbiddenException('this endpoint is disabled: set ADMIN_TOKEN to enable it');
    const header = ctx.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token || !accepted.some((t) => same(t, token)))
      throw new UnauthorizedException('authorization: a valid Bearer token is required');
    return true;
  }
}
