import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Actor, Role } from './roles';

export const ACCESS_KEY = 'registry:access';

export type AccessRule =
  | { kind: 'public' }
  | { kind: 'roles'; roles: Role[]; duringPasswordChange: boolean };

/** Anyone, logged in or not. */
export const Public = () => SetMetadata(ACCESS_KEY, { kind: 'public' } satisfies AccessRule);

/** Only these roles. Every route has either @Public() or @Permit(...): the guard refuses the rest. */
export const Permit = (...roles: Role[]) =>
  SetMetadata(ACCESS_KEY, { kind: 'roles', roles, duringPasswordChange: false } satisfies AccessRule);

/** Like @Permit, and also reachable with a token whose login must still change its initial password. */
export const PermitDuringPasswordChange = (...roles: Role[]) =>
  SetMetadata(ACCESS_KEY, { kind: 'roles', roles, duringPasswordChange: true } satisfies AccessRule);

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest<{ user: Actor }>().user;
});
