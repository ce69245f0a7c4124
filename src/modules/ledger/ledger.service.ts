import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Account } from './entities/account.entity';

export interface OpenAccountRequest {
  type: 'compliance' | 'holding';
  name: string;
  targetHolderId?: string;
  tradingParticipantId?: string;
}

export interface AccountSummary {
  id: string;
  accountNumber: string;
  type: Account['type'];
  name: string;
  status: Account['status'];
  targetHolderId: string | null;
  tradingParticipantId: string | null;
}

/** The ledger module's application service: the only way other modules reach accounts. */
@Injectable()
export class LedgerService {
  /** Opens an account inside the caller's transaction; numbers come from account_number_seq. */
  async openAccount(manager: EntityManager, request: OpenAccountRequest): Promise<AccountSummary> {
    const [{ n }] = await manager.query(`SELECT nextval('account_number_seq')::text AS n`);
    const account = await manager.save(
      manager.create(Account, {
        accountNumber: `AST-${n}`,
        type: request.type,
        name: request.name,
        targetHolderId: request.targetHolderId ?? null,
        tradingParticipantId: request.tradingParticipantId ?? null,
      }),
    );
    return toSummary(account);
  }

  /** Accounts owned by the given holders / participants, keyed by owner id. */
  async accountsOf(manager: EntityManager, owners: { targetHolderIds?: string[]; tradingParticipantIds?: string[] }) {
    const byOwner = new Map<string, AccountSummary>();
    const qb = manager.getRepository(Account).createQueryBuilder('a').where('false');
    if (owners.targetHolderIds?.length) qb.orWhere('a.target_holder_id IN (:...h)', { h: owners.targetHolderIds });
    if (owners.tradingParticipantIds?.length) qb.orWhere('a.trading_participant_id IN (:...p)', { p: owners.tradingParticipantIds });
    for (const a of await qb.getMany()) byOwner.set((a.targetHolderId ?? a.tradingParticipantId)!, toSummary(a));
    return byOwner;
  }
}

function toSummary(a: Account): AccountSummary {
  return {
    id: a.id,
    accountNumber: a.accountNumber,
    type: a.type,
    name: a.name,
    status: a.status,
    targetHolderId: a.targetHolderId,
    tradingParticipantId: a.tradingParticipantId,
  };
}
