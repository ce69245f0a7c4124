import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import type { Actor } from '../../core/auth/roles';
import { DomainError } from '../../core/errors/domain-error';
import { decodeCursor, encodeCursor, paginate, type Page, type PageQuery } from '../../core/http/pagination';
import { LedgerService } from '../ledger/ledger.service';
import type { RegisterVerifierDto, VerifierRegistered, VerifierView } from './dto/directory.dto';
import { TargetHolder } from './entities/target-holder.entity';
import { TradingParticipant } from './entities/trading-participant.entity';
import { VerifierAssignment } from './entities/verifier-assignment.entity';
import { Verifier } from './entities/verifier.entity';
import { LoginsService } from './logins.service';

/**
 * Who exists and who may see whom: target holders, verifiers and their assignments, the contact list.
 * `visibleHolder` is the one visibility rule other modules use for holder-scoped resources.
 */
@Injectable()
export class DirectoryService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly logins: LoginsService,
    private readonly ledger: LedgerService,
  ) {}

  /**
   * The holder if this actor may see it: the secretariat any, logins A/B their own, a verifier
   * those assigned to it now. Otherwise 404 (never reveal another holder's existence).
   */
  async visibleHolder(actor: Actor, holderId: string, m: EntityManager = this.db.manager): Promise<TargetHolder> {
    const qb = m.getRepository(TargetHolder).createQueryBuilder('h').where('h.id = :holderId', { holderId });
    this.restrictToVisible(qb, actor);
    const holder = await qb.getOne();
    if (!holder) throw new DomainError('TARGET_HOLDER_NOT_FOUND');
    return holder;
  }

  private restrictToVisible(qb: ReturnType<typeof this.db.manager.createQueryBuilder>, actor: Actor) {
    switch (actor.role) {
      case 'secretariat':
        return;
      case 'holder_a':
      case 'holder_b':
        qb.andWhere('h.id = :own', { own: actor.targetHolderId });
        return;
      case 'verifier':
        qb.andWhere(
          `EXISTS (SELECT 1 FROM verifier_assignments va WHERE va.target_holder_id = h.id AND va.verifier_id = :verifierId AND va.ended_at IS NULL)`,
          { verifierId: actor.verifierId },
        );
        return;
      default:
        qb.andWhere('false');
    }
  }

  /** Number, name, facility and mail addresses of holders (for other modules' lists and notices). */
  async holderContacts(ids: string[], m: EntityManager = this.db.manager) {
    const out = new Map<string, { holderNumber: string; name: string; facility: string; emailA: string; emailB: string | null }>();
    if (!ids.length) return out;
    const rows = await m.getRepository(TargetHolder).createQueryBuilder('h').where('h.id IN (:...ids)', { ids }).getMany();
    for (const h of rows) {
      out.set(h.id, { holderNumber: h.holderNumber, name: h.representativeName, facility: h.facilityName, emailA: h.contactEmailA, emailB: h.contactEmailB ?? null });
    }
    return out;
  }

  /** A trading participant's number, name and contact address. */
  async participantContact(id: string, m: EntityManager = this.db.manager) {
    const p = await m.findOne(TradingParticipant, { where: { id } });
    if (!p) throw new DomainError('ACCOUNT_NOT_FOUND', {});
    return { participantNumber: p.participantNumber, name: p.name, email: p.contactEmail };
  }

  async listHolders(actor: Actor, page: PageQuery): Promise<Page<Record<string, unknown>>> {
    const qb = this.db.getRepository(TargetHolder).createQueryBuilder('h');
    this.restrictToVisible(qb, actor);
    const result = await paginate(qb, page, { timeColumn: 'h.created_at', idColumn: 'h.id', time: (h) => h.createdAt, id: (h) => h.id });
    return { items: await this.views(actor, result.items), nextCursor: result.nextCursor };
  }

  async holder(actor: Actor, holderId: string) {
    const holder = await this.visibleHolder(actor, holderId);
    return (await this.views(actor, [holder]))[0];
  }

  /** Login B and verifiers see no allowance information: no account number. */
  private async views(actor: Actor, holders: TargetHolder[]) {
    const showAccount = actor.role === 'secretariat' || actor.role === 'holder_a';
    const accounts = showAccount
      ? await this.ledger.accountsOf(this.db.manager, { targetHolderIds: holders.map((h) => h.id) })
      : new Map();
    const assignments = holders.length
      ? await this.db.getRepository(VerifierAssignment).find({
          where: holders.map((h) => ({ targetHolderId: h.id, endedAt: IsNull() })),
          relations: { verifier: true },
        })
      : [];
    return holders.map((h) => {
      const assignment = assignments.find((a) => a.targetHolderId === h.id);
      return {
        id: h.id,
        holderNumber: h.holderNumber,
        representative: {
          name: h.representativeName,
          nameKana: h.representativeNameKana,
          representativeName: h.representativePersonName,
          representativeNameKana: h.representativePersonNameKana,
        },
        coBusinesses: h.coBusinesses,
        contact: {
          company: h.contactCompany,
          department: h.contactDepartment,
          title: h.contactTitle,
          name: h.contactName,
          nameKana: h.contactNameKana,
          postalCode: h.contactPostalCode,
          address: h.contactAddress,
          phone: h.contactPhone,
          fax: h.contactFax,
          emailA: h.contactEmailA,
          emailB: h.contactEmailB,
        },
        facility: { name: h.facilityName, nameKana: h.facilityNameKana, address: h.facilityAddress, type: h.facilityType },
        participationForm: h.participationForm,
        accountName: h.accountName,
        inTokyoOrSaitamaScheme: h.inTokyoOrSaitamaScheme,
        disclosureConsent: h.disclosureConsent,
        ...(showAccount ? { accountNumber: accounts.get(h.id)?.accountNumber ?? null } : {}),
        verifier: assignment?.verifier
          ? { id: assignment.verifier.id, verifierNumber: assignment.verifier.verifierNumber, name: assignment.verifier.name, assignedAt: assignment.assignedAt.toISOString() }
          : null,
        createdAt: h.createdAt.toISOString(),
      };
    });
  }

  // ---- verifiers --------------------------------------------------------------------------

  async registerVerifier(dto: RegisterVerifierDto): Promise<VerifierRegistered> {
    const [prepared] = await this.logins.prepare(1);
    return this.db.transaction(async (m) => {
      const [{ n }] = await m.query(`SELECT nextval('verifier_number_seq') AS n`);
      const verifierNumber = `V${String(n).padStart(4, '0')}`;
      const verifier = await m.save(
        m.create(Verifier, { verifierNumber, name: dto.name, nameKana: dto.nameKana, email: dto.email, phone: dto.phone ?? null }),
      );
      const login = await this.logins.insert(m, { loginId: verifierNumber, role: 'verifier', displayName: dto.name, verifierId: verifier.id }, prepared);
      return { verifierId: verifier.id, verifierNumber, logins: [login] };
    });
  }

  async listVerifiers(page: PageQuery): Promise<Page<VerifierView>> {
    const qb = this.db.getRepository(Verifier).createQueryBuilder('v');
    const result = await paginate(qb, page, { timeColumn: 'v.created_at', idColumn: 'v.id', time: (v) => v.createdAt, id: (v) => v.id });
    return {
      items: result.items.map((v) => ({ id: v.id, verifierNumber: v.verifierNumber, name: v.name, nameKana: v.nameKana, email: v.email, phone: v.phone })),
      nextCursor: result.nextCursor,
    };
  }

  /** Assigns or reassigns the holder's verifier: the current assignment ends, the new one starts. */
  async assignVerifier(actor: Actor, holderId: string, verifierId: string) {
    return this.db.transaction(async (m) => {
      const holder = await m.findOne(TargetHolder, { where: { id: holderId }, lock: { mode: 'pessimistic_write' } });
      if (!holder) throw new DomainError('TARGET_HOLDER_NOT_FOUND');
      const verifier = await m.findOneBy(Verifier, { id: verifierId });
      if (!verifier) throw new DomainError('VERIFIER_NOT_FOUND');
      const current = await m.findOneBy(VerifierAssignment, { targetHolderId: holderId, endedAt: IsNull() });
      if (current?.verifierId === verifierId) {
        return { targetHolderId: holderId, verifierId, assignedAt: current.assignedAt.toISOString(), changed: false };
      }
      if (current) await m.update(VerifierAssignment, { id: current.id }, { endedAt: () => 'now()' } as Record<string, unknown>);
      const created = await m.save(m.create(VerifierAssignment, { targetHolderId: holderId, verifierId, assignedBy: actor.id }));
      return { targetHolderId: holderId, verifierId, assignedAt: created.assignedAt.toISOString(), changed: true };
    });
  }

  // ---- contact list -----------------------------------------------------------------------

  /** Consenting participants see the consenting participants' contact details (to find counterparties). */
  async contactList(actor: Actor, page: PageQuery) {
    if (actor.role === 'holder_a') {
      const own = await this.db.getRepository(TargetHolder).findOneByOrFail({ id: actor.targetHolderId! });
      if (!own.disclosureConsent) throw new DomainError('CONTACT_LIST_CONSENT_REQUIRED');
    } else if (actor.role === 'trading_participant') {
      const own = await this.db.getRepository(TradingParticipant).findOneByOrFail({ id: actor.tradingParticipantId! });
      if (!own.disclosureConsent) throw new DomainError('CONTACT_LIST_CONSENT_REQUIRED');
    }
    const limit = page.limit ?? 20;
    const offset = page.cursor ? Number(decodeCursor(page.cursor, /^[0-9]{1,9}$/)) : 0;
    const rows: Record<string, string | null>[] = await this.db.query(
      `SELECT * FROM (
         SELECT 'target_holder' AS kind, h.id, h.representative_name AS name, h.account_name, a.account_number,
                h.contact_company AS company, h.contact_department AS department, h.contact_name AS contact_name,
                h.contact_phone AS phone, h.contact_email_a AS email
           FROM target_holders h LEFT JOIN accounts a ON a.target_holder_id = h.id
          WHERE h.disclosure_consent
         UNION ALL
         SELECT 'trading_participant', p.id, p.name, p.account_name, a.account_number,
                p.name, p.contact_department, p.contact_name, p.contact_phone, p.contact_email
           FROM trading_participants p LEFT JOIN accounts a ON a.trading_participant_id = p.id
          WHERE p.disclosure_consent
       ) c ORDER BY c.name, c.id LIMIT $1 OFFSET $2`,
      [limit + 1, offset],
    );
    return {
      items: rows.slice(0, limit).map((r) => ({
        kind: r.kind,
        id: r.id,
        name: r.name,
        accountName: r.account_name,
        accountNumber: r.account_number,
        contact: { company: r.company, department: r.department, name: r.contact_name, phone: r.phone, email: r.email },
      })),
      nextCursor: rows.length > limit ? encodeCursor(String(offset + limit)) : null,
    };
  }
}
