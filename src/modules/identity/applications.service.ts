import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../../core/auth/roles';
import { DomainError } from '../../core/errors/domain-error';
import { requestContext } from '../../core/logging/request-context';
import { paginate, type Page } from '../../core/http/pagination';
import { LedgerService } from '../ledger/ledger.service';
import { NotificationsService } from '../notifications/notifications.service';
import { CLEARABLE_CONTACT_FIELDS, type ContactChangeDto } from './dto/contact-change.dto';
import type {
  ApplicationDetail,
  ApplicationListQuery,
  ApplicationSummary,
  RegistrationApproved,
  TradingParticipantCreated,
} from './dto/decisions.dto';
import type { RegistrationApplicationDto, TradingParticipantApplicationDto } from './dto/registration.dto';
import { Application, type ApplicationKind } from './entities/application.entity';
import { TargetHolder } from './entities/target-holder.entity';
import { TradingParticipant } from './entities/trading-participant.entity';
import { LoginsService } from './logins.service';

const pad = (n: string | number, width: number) => String(n).padStart(width, '0');
const KIND_LABELS: Record<ApplicationKind, string> = {
  registration: '登録申請',
  trading_participant: '取引参加者の登録申請',
  contact_change: '連絡先変更申請',
};

/** Maps a contact-change body onto the holder's columns. */
export const CONTACT_FIELDS = {
  company: 'contactCompany',
  department: 'contactDepartment',
  title: 'contactTitle',
  name: 'contactName',
  nameKana: 'contactNameKana',
  postalCode: 'contactPostalCode',
  address: 'contactAddress',
  phone: 'contactPhone',
  fax: 'contactFax',
  emailA: 'contactEmailA',
  emailB: 'contactEmailB',
  disclosureConsent: 'disclosureConsent',
} as const satisfies Record<string, keyof TargetHolder>;

/** A contact change may clear (null) only fax and emailB; the holder's other contact fields are required. */
function refuseClearedRequired(changes: Record<string, unknown>): void {
  const cleared = Object.entries(changes)
    .filter(([key, value]) => value === null && !CLEARABLE_CONTACT_FIELDS.has(key))
    .map(([key]) => ({ field: `changes.${key}`, problems: ['空にできません (cannot be cleared; it is required)'] }));
  if (cleared.length) throw new DomainError('VALIDATION_FAILED', { fields: cleared });
}

/**
 * Applications the secretariat decides: ASSET registration, trading-participant registration and
 * contact changes. Each decision is one transaction on the locked application row.
 */
@Injectable()
export class ApplicationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly logins: LoginsService,
    private readonly ledger: LedgerService,
    private readonly notifications: NotificationsService,
  ) {}

  // ---- submission -------------------------------------------------------------------------

  async submitRegistration(dto: RegistrationApplicationDto, clientIp: string | null) {
    const names = [dto.representative.name, ...(dto.coBusinesses ?? []).map((c) => c.name)];
    if (!names.includes(dto.contact.company)) {
      throw new DomainError('CONTACT_COMPANY_NOT_A_PARTICIPANT', {
        fields: [{ field: 'contact.company', problems: ['代表事業者名または共同事業者名と一致しません (must match the representative or a co-business)'] }],
        allowed: names,
      });
    }
    const body = { ...dto, coBusinesses: dto.coBusinesses ?? [] };
    return this.submit('registration', body, `${dto.representative.name} / ${dto.facility.name}`, clientIp, null, null);
  }

  async submitTradingParticipant(dto: TradingParticipantApplicationDto, clientIp: string | null) {
    return this.submit('trading_participant', { ...dto }, dto.name, clientIp, null, null);
  }

  async submitContactChange(actor: Actor, dto: ContactChangeDto) {
    if (dto.legalName !== undefined) throw new DomainError('LEGAL_NAME_CHANGE_NEEDS_FORM');
    const holder = await this.db.getRepository(TargetHolder).findOneByOrFail({ id: actor.targetHolderId! });
    const changes = Object.fromEntries(
      Object.entries(dto.changes ?? {}).filter(
        ([key, value]) => value !== undefined && holder[CONTACT_FIELDS[key as keyof typeof CONTACT_FIELDS]] !== value,
      ),
    );
    if (!Object.keys(changes).length) throw new DomainError('NO_CHANGES');
    if (changes.company !== undefined) {
      const names = [holder.representativeName, ...holder.coBusinesses.map((c) => c.name)];
      if (!names.includes(changes.company as string)) {
        throw new DomainError('CONTACT_COMPANY_NOT_A_PARTICIPANT', { allowed: names });
      }
    }
    return this.submit('contact_change', { changes }, `${holder.holderNumber} ${holder.representativeName}`, null, actor.id, holder.id);
  }

  private async submit(
    kind: ApplicationKind,
    body: Record<string, unknown>,
    summary: string,
    clientIp: string | null,
    submittedBy: string | null,
    targetHolderId: string | null,
  ): Promise<{ id: string; status: 'submitted' }> {
    const id = await this.db.transaction(async (m) => {
      const result = await m.getRepository(Application).insert({
        kind,
        body: JSON.parse(JSON.stringify(body)),
        summary: summary.slice(0, 300),
        clientIp: clientIp?.slice(0, 64) ?? null,
        submittedBy,
        targetHolderId,
      });
      const appId = result.identifiers[0].id as string;
      await this.notifications.enqueue(m, {
        event: 'application.submitted',
        key: `application.submitted:${appId}`,
        recipients: [],
        toSecretariat: true,
        payload: { applicationId: appId, kind, kindLabel: KIND_LABELS[kind], summary },
        subjectType: 'application',
        subjectId: appId,
      });
      return appId;
    });
    return { id, status: 'submitted' };
  }

  // ---- reading ----------------------------------------------------------------------------

  /** Secretariat: all of a kind. Login A (contact changes only): its own holder's. */
  async list(kind: ApplicationKind, query: ApplicationListQuery, actor: Actor): Promise<Page<ApplicationSummary>> {
    const qb = this.db.getRepository(Application).createQueryBuilder('a').where('a.kind = :kind', { kind });
    if (query.status) qb.andWhere('a.status = :status', { status: query.status });
    if (actor.role !== 'secretariat') qb.andWhere('a.target_holder_id = :holder', { holder: actor.targetHolderId });
    const page = await paginate(qb, query, {
      timeColumn: 'a.submitted_at',
      idColumn: 'a.id',
      time: (a) => a.submittedAt,
      id: (a) => a.id,
    });
    return { items: page.items.map(toSummary), nextCursor: page.nextCursor };
  }

  async get(kind: ApplicationKind, id: string, actor: Actor): Promise<ApplicationDetail> {
    const app = await this.db.getRepository(Application).findOne({ where: { id, kind } });
    if (!app || (actor.role !== 'secretariat' && app.targetHolderId !== actor.targetHolderId)) {
      throw new DomainError('APPLICATION_NOT_FOUND');
    }
    return { ...toSummary(app), body: app.body };
  }

  // ---- decisions --------------------------------------------------------------------------

  /** Approves a registration: holder, compliance account, logins A and B, notice — all or nothing. */
  async approveRegistration(id: string, actor: Actor): Promise<RegistrationApproved> {
    const prepared = await this.logins.prepare(2);
    return this.decide('registration', id, async (m, app) => {
      const body = app.body as unknown as RegistrationApplicationDto;
      const [{ n }] = await m.query(`SELECT nextval('holder_number_seq') AS n`);
      const holderNumber = `T${pad(n, 5)}`;
      const holder = await m.save(
        m.create(TargetHolder, {
          holderNumber,
          representativeName: body.representative.name,
          representativeNameKana: body.representative.nameKana,
          representativePersonName: body.representative.representativeName,
          representativePersonNameKana: body.representative.representativeNameKana,
          coBusinesses: body.coBusinesses ?? [],
          contactCompany: body.contact.company,
          contactDepartment: body.contact.department,
          contactTitle: body.contact.title,
          contactName: body.contact.name,
          contactNameKana: body.contact.nameKana,
          contactPostalCode: body.contact.postalCode,
          contactAddress: body.contact.address,
          contactPhone: body.contact.phone,
          contactFax: body.contact.fax ?? null,
          contactEmailA: body.contact.emailA,
          contactEmailB: body.contact.emailB ?? null,
          disclosureConsent: body.disclosureConsent,
          facilityName: body.facility.name,
          facilityNameKana: body.facility.nameKana,
          facilityAddress: body.facility.address,
          facilityType: body.facility.type,
          participationForm: body.participationForm,
          accountName: body.accountName,
          inTokyoOrSaitamaScheme: body.inTokyoOrSaitamaScheme,
        }),
      );
      const account = await this.ledger.openAccount(m, { type: 'compliance', name: body.accountName, targetHolderId: holder.id });
      const name = `${body.representative.name} ${body.facility.name}`.slice(0, 190);
      const logins = [
        await this.logins.insert(m, { loginId: `${holderNumber}A`, role: 'holder_a', displayName: `${name} (A)`, targetHolderId: holder.id }, prepared[0]),
        await this.logins.insert(m, { loginId: `${holderNumber}B`, role: 'holder_b', displayName: `${name} (B)`, targetHolderId: holder.id }, prepared[1]),
      ];
      await this.notifications.enqueue(m, {
        event: 'registration.approved',
        key: `registration.approved:${app.id}`,
        recipients: [body.contact.emailA],
        payload: {
          holderNumber,
          holderName: body.representative.name,
          contactName: body.contact.name,
          accountNumber: account.accountNumber,
          loginIds: logins.map((l) => l.loginId),
        },
        subjectType: 'target_holder',
        subjectId: holder.id,
      });
      return {
        result: { targetHolderId: holder.id, holderNumber, accountNumber: account.accountNumber, logins },
        link: { targetHolderId: holder.id },
      };
    }, actor);
  }

  async approveTradingParticipant(id: string, actor: Actor): Promise<TradingParticipantCreated> {
    const [prepared] = await this.logins.prepare(1);
    return this.decide('trading_participant', id, async (m, app) => {
      const created = await this.createTradingParticipant(m, app.body as unknown as TradingParticipantApplicationDto, prepared);
      return { result: created, link: { tradingParticipantId: created.tradingParticipantId } };
    }, actor);
  }

  /** The secretariat registers a trading participant directly (no application). */
  async registerTradingParticipant(dto: TradingParticipantApplicationDto): Promise<TradingParticipantCreated> {
    const [prepared] = await this.logins.prepare(1);
    return this.db.transaction((m) => this.createTradingParticipant(m, dto, prepared));
  }

  private async createTradingParticipant(
    m: EntityManager,
    dto: TradingParticipantApplicationDto,
    prepared: { password: string; hash: string },
  ): Promise<TradingParticipantCreated> {
    const [{ n }] = await m.query(`SELECT nextval('participant_number_seq') AS n`);
    const participantNumber = `P${pad(n, 5)}`;
    const participant = await m.save(
      m.create(TradingParticipant, {
        participantNumber,
        name: dto.name,
        nameKana: dto.nameKana,
        accountName: dto.accountName,
        contactDepartment: dto.contact.department,
        contactName: dto.contact.name,
        contactNameKana: dto.contact.nameKana,
        contactPostalCode: dto.contact.postalCode,
        contactAddress: dto.contact.address,
        contactPhone: dto.contact.phone,
        contactEmail: dto.contact.email,
        disclosureConsent: dto.disclosureConsent,
      }),
    );
    const account = await this.ledger.openAccount(m, { type: 'holding', name: dto.accountName, tradingParticipantId: participant.id });
    const login = await this.logins.insert(
      m,
      { loginId: participantNumber, role: 'trading_participant', displayName: dto.name, tradingParticipantId: participant.id },
      prepared,
    );
    await this.notifications.enqueue(m, {
      event: 'trading_participant.registered',
      key: `trading_participant.registered:${participant.id}`,
      recipients: [dto.contact.email],
      payload: { participantNumber, name: dto.name, contactName: dto.contact.name, accountNumber: account.accountNumber, loginId: login.loginId },
      subjectType: 'trading_participant',
      subjectId: participant.id,
    });
    return { tradingParticipantId: participant.id, participantNumber, accountNumber: account.accountNumber, logins: [login] };
  }

  async approveContactChange(id: string, actor: Actor): Promise<ApplicationDetail> {
    await this.decide('contact_change', id, async (m, app) => {
      const holder = await m.findOneOrFail(TargetHolder, { where: { id: app.targetHolderId! }, lock: { mode: 'pessimistic_write' } });
      const changes = (app.body as { changes: Record<string, unknown> }).changes;
      // applications stored before null was refused at submission must not fail on a NOT NULL column
      refuseClearedRequired(changes);
      const before = Object.fromEntries(Object.keys(changes).map((k) => [k, (holder as unknown as Record<string, unknown>)[CONTACT_FIELDS[k as keyof typeof CONTACT_FIELDS]]]));
      for (const [key, value] of Object.entries(changes)) {
        (holder as unknown as Record<string, unknown>)[CONTACT_FIELDS[key as keyof typeof CONTACT_FIELDS]] = value;
      }
      await m.save(holder);
      requestContext.noteChange({ status: app.status, contact: before }, { status: 'approved', contact: changes });
      await this.notifications.enqueue(m, {
        event: 'contact_change.approved',
        key: `contact_change.approved:${app.id}`,
        recipients: [holder.contactEmailA],
        payload: { holderNumber: holder.holderNumber, holderName: holder.representativeName, applicationId: app.id },
        subjectType: 'application',
        subjectId: app.id,
      });
      return { result: undefined, link: {} };
    }, actor);
    return this.get('contact_change', id, actor);
  }

  async reject(kind: ApplicationKind, id: string, reason: string, actor: Actor): Promise<ApplicationDetail> {
    await this.decide(kind, id, async (m, app) => {
      await this.notifications.enqueue(m, {
        event: `${kind}.rejected`,
        key: `${kind}.rejected:${app.id}`,
        recipients: [await this.applicantEmail(m, app)],
        payload: { applicationId: app.id, reason, name: app.summary },
        subjectType: 'application',
        subjectId: app.id,
      });
      return { result: undefined, link: {}, rejectionReason: reason };
    }, actor);
    return this.get(kind, id, actor);
  }

  private async applicantEmail(m: EntityManager, app: Application): Promise<string | undefined> {
    const body = app.body as Record<string, any>;
    if (app.kind === 'registration') return body.contact?.emailA;
    if (app.kind === 'trading_participant') return body.contact?.email;
    return (await m.findOneBy(TargetHolder, { id: app.targetHolderId! }))?.contactEmailA;
  }

  /** Locks the submitted application, runs the decision's effect, records the decision. */
  private async decide<T>(
    kind: ApplicationKind,
    id: string,
    effect: (
      m: EntityManager,
      app: Application,
    ) => Promise<{ result: T; link: { targetHolderId?: string; tradingParticipantId?: string }; rejectionReason?: string }>,
    actor: Actor,
  ): Promise<T> {
    return this.db.transaction(async (m) => {
      const app = await m.findOne(Application, { where: { id, kind }, lock: { mode: 'pessimistic_write' } });
      if (!app) throw new DomainError('APPLICATION_NOT_FOUND');
      if (app.status !== 'submitted') throw new DomainError('APPLICATION_ALREADY_DECIDED', { status: app.status });
      const { result, link, rejectionReason } = await effect(m, app);
      requestContext.noteChange({ status: app.status }, { status: rejectionReason ? 'rejected' : 'approved', ...link });
      await m.update(
        Application,
        { id },
        {
          status: rejectionReason ? 'rejected' : 'approved',
          rejectionReason: rejectionReason ?? null,
          decidedAt: () => 'now()',
          decidedBy: actor.id,
          ...link,
        } as Record<string, unknown>,
      );
      return result;
    });
  }
}

function toSummary(a: Application): ApplicationSummary {
  return {
    id: a.id,
    kind: a.kind,
    status: a.status,
    summary: a.summary,
    submittedAt: a.submittedAt.toISOString(),
    decidedAt: a.decidedAt ? a.decidedAt.toISOString() : null,
    rejectionReason: a.rejectionReason,
    targetHolderId: a.targetHolderId,
    tradingParticipantId: a.tradingParticipantId,
  };
}
