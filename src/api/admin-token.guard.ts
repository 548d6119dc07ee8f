import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request } from 'express';
import { checkBearer, sameToken, TOKEN_MESSAGES } from './body-gate';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PrismaService } from '../database/prisma.service';

// Endpoints that change data take a bearer token: ADMIN_TOKEN, or the per-process token the server
// writes into its lock file in the data folder (readable only by its user), which is how the
// command line hands work to a running embedded-database server.
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly prisma: PrismaService,
  ) {}

  // The body gate (body-gate.ts) has checked the token before reading the body; this guard keeps
  // the endpoint closed should a route ever be reached without it.
  canActivate(ctx: ExecutionContext): boolean {
    const check = checkBearer(
      ctx.switchToHttp().getRequest<Request>().headers.authorization,
      acceptedTokens(this.config, this.prisma),
      !!this.config.adminToken,
    );
    if (check === 'ok') return true;
    const { message } = TOKEN_MESSAGES[check];
    throw check === 'missing'
      ? new UnauthorizedException(message)
      : new ForbiddenException(message);
  }
}

// ADMIN_TOKEN and, on the embedded database, the server's own lock-file token (the CLI hand-off).
export const acceptedTokens = (config: AppConfig, prisma: PrismaService): string[] =>
  [config.adminToken, prisma.lock?.token].filter((t): t is string => !!t);

// Who asked for a run: the command line handing work to this server (it authenticates with the
// lock-file token, which only a process on this machine can read) or an API client.
export function triggerOf(req: Request, prisma: PrismaService): 'cli' | 'api' {
  const lockToken = prisma.lock?.token;
  const header = req.headers.authorization;
  return lockToken && header?.startsWith('Bearer ') && sameToken(lockToken, header.slice(7))
    ? 'cli'
    : 'api';
}
