import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../../core/auth/roles';
import { DomainError } from '../../core/errors/domain-error';
import { paginate, type Page } from '../../core/http/pagination';
import { requestContext } from '../../core/logging/request-context';
import { LoginsService } from '../identity/logins.service';
import { NotificationsService } from '../notifications/notifications.service';
import { CertificatesService } from './certificates.service';
import type { OfficerDto, PrtrRegistrationDto, RegistrationListQuery } from './dto/prtr.dto';
import { PrtrBusiness, PrtrFacility, PrtrRegistration } from './entities/index';
import { officerEmails } from './filings.service';
import { MasterDataService } from './master/master-data.service';

/** Who may see what: a filer its own business, an officer its prefecture (registrations are per prefecture). */
export function prefectureScope(actor: Actor): string | null {
  return actor.role === 'prtr_local_gov' ? actor.prtrPrefectureCode ?? '__none__' : null;
}

/**
 * Pre-registration (電子情報処理組織使用届出書) and the people of the PRTR module: the prefecture's
 * officer approves a business → business, facilities, a filer login and its client certificate.
 */
@Injectable()
export class FilersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly logins: LoginsService,
    private readonly certificates: CertificatesService,
    private readonly master: MasterDataService,
    private readonly notifications: NotificationsService,
  ) {}

  async submit(dto: PrtrRegistrationDto, clientIp: string | null) {
    await this.master.prefectureName(dto.prefectureCode);
    const names = dto.facilities.map((f) => f.name);
    const twice = names.filter((n, i) => names.indexOf(n) !== i);
    if (twice.length) {
      throw new DomainError('VALIDATION_FAILED', { fields: [{ field: 'facilities', problems: [`事業所名が重複しています (facility listed twice): ${twice.join(', ')}`] }] });
    }
    return this.db.transaction(async (m) => {
      const [row] = await m.query(
        `INSERT INTO prtr_registrations (prefecture_code, business_name, body, client_ip) VALUES ($1, $2, $3, $4) RETURNING id, status, submitted_at`,
        [dto.prefectureCode, dto.business.name, JSON.stringify({ business: dto.business, contact: dto.contact, facilities: dto.facilities }), clientIp],
      );
      await this.notifications.enqueue(m, {
        event: 'prtr.registration.submitted',
        key: `prtr.registration.submitted:${row.id}`,
        recipients: await officerEmails(m, { prefectureCode: dto.prefectureCode }),
        payload: { registrationId: row.id, businessName: dto.business.name, facilityCount: dto.facilities.length },
        subjectType: 'prtr_registration',
        subjectId: row.id,
      });
      return { id: row.id, status: row.status, submittedAt: row.submitted_at };
    });
  }

  async list(actor: Actor, query: RegistrationListQuery): Promise<Page<Record<string, unknown>>> {
    const qb = this.db.getRepository(PrtrRegistration).createQueryBuilder('r');
    const scope = prefectureScope(actor);
    if (scope) qb.andWhere('r.prefecture_code = :scope', { scope });
    if (query.status) qb.andWhere('r.status = :status', { status: query.status });
    const page = await paginate(qb, query, { timeColumn: 'r.submitted_at', idColumn: 'r.id', time: (r) => r.submittedAt, id: (r) => r.id });
    return { items: page.items.map((r) => this.view(r)), nextCursor: page.nextCursor };
  }

  async get(actor: Actor, id: string) {
    const r = await this.db.getRepository(PrtrRegistration).findOneBy({ id });
    const scope = prefectureScope(actor);
    if (!r || (scope && r.prefectureCode !== scope)) throw new DomainError('PRTR_REGISTRATION_NOT_FOUND');
    return this.view(r);
  }

  private view(r: PrtrRegistration) {
    return {
      id: r.id,
      status: r.status,
      prefectureCode: r.prefectureCode,
      businessName: r.businessName,
      ...r.body,
      submittedAt: r.submittedAt,
      decidedAt: r.decidedAt,
      rejectionReason: r.rejectionReason,
      businessId: r.businessId,
    };
  }

  /** The officer of the registration's prefecture approves: everything is created in one transaction. */
  async approve(actor: Actor, id: string) {
    const [prepared] = await this.logins.prepare(1);
    const result = await this.db.transaction(async (m) => {
      const r = await this.lockOpen(m, actor, id);
      const body = r.body as unknown as Pick<PrtrRegistrationDto, 'business' | 'contact' | 'facilities'>;
      const business = await m.save(
        m.create(PrtrBusiness, {
          prefectureCode: r.prefectureCode,
          name: body.business.name,
          address: body.business.address,
          representativeName: body.business.representativeName ?? null,
          corporateNumber: body.business.corporateNumber ?? null,
          contactDepartment: body.contact.department ?? null,
          contactName: body.contact.name,
          contactPhone: body.contact.phone,
          contactEmail: body.contact.email,
        }),
      );
      const facilities = await m.save(
        body.facilities.map((f) =>
          m.create(PrtrFacility, {
            businessId: business.id,
            prefectureCode: r.prefectureCode,
            name: f.name,
            address: f.address,
            mainIndustryCode: f.mainIndustryCode ?? null,
          }),
        ),
      );
      const loginId = await this.nextFilerLoginId(m, r.prefectureCode);
      const login = await this.logins.insert(
        m,
        { loginId, role: 'prtr_filer', displayName: body.business.name, prtrBusinessId: business.id },
        prepared,
      );
      const [{ id: loginUuid }] = await m.query(`SELECT id FROM logins WHERE login_id = $1`, [loginId]);
      const certificate = await this.certificates.issue(m, { businessId: business.id, businessName: business.name, loginUuid, loginId }, actor.id);
      await m.query(
        `UPDATE prtr_registrations SET status = 'approved', business_id = $2, decided_by = $3, decided_at = now() WHERE id = $1`,
        [r.id, business.id, actor.id],
      );
      const prefectureName = await this.master.prefectureName(r.prefectureCode, m);
      await this.notifications.enqueue(m, {
        event: 'prtr.registration.approved',
        key: `prtr.registration.approved:${r.id}`,
        recipients: [business.contactEmail],
        payload: {
          businessName: business.name,
          contactName: business.contactName,
          loginId,
          fileName: certificate.fileName,
          downloadUrl: certificate.downloadUrl,
          downloadExpiresAt: certificate.downloadExpiresAt,
          prefectureName,
        },
        subjectType: 'prtr_registration',
        subjectId: r.id,
      });
      requestContext.noteChange({ status: 'submitted' }, { status: 'approved', businessId: business.id });
      return {
        registrationId: r.id,
        businessId: business.id,
        facilities: facilities.map((f) => ({ id: f.id, name: f.name })),
        login: { loginId: login.loginId, role: login.role, initialPassword: login.initialPassword },
        certificate,
      };
    });
    return result;
  }

  async reject(actor: Actor, id: string, reason: string) {
    return this.db.transaction(async (m) => {
      const r = await this.lockOpen(m, actor, id);
      await m.query(
        `UPDATE prtr_registrations SET status = 'rejected', rejection_reason = $2, decided_by = $3, decided_at = now() WHERE id = $1`,
        [r.id, reason, actor.id],
      );
      const body = r.body as { contact: { email: string; name: string } };
      await this.notifications.enqueue(m, {
        event: 'prtr.registration.rejected',
        key: `prtr.registration.rejected:${r.id}`,
        recipients: [body.contact.email],
        payload: { businessName: r.businessName, contactName: body.contact.name, reason },
        subjectType: 'prtr_registration',
        subjectId: r.id,
      });
      return { id: r.id, status: 'rejected', rejectionReason: reason };
    });
  }

  private async lockOpen(m: EntityManager, actor: Actor, id: string): Promise<PrtrRegistration> {
    const r = await m.getRepository(PrtrRegistration).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!r || r.prefectureCode !== actor.prtrPrefectureCode) throw new DomainError('PRTR_REGISTRATION_NOT_FOUND');
    if (r.status !== 'submitted') throw new DomainError('PRTR_REGISTRATION_ALREADY_DECIDED', { status: r.status });
    return r;
  }

  /** Filer login IDs: P + prefecture + a 6-digit sequence per prefecture (counter row with fiscal year 0). */
  private async nextFilerLoginId(m: EntityManager, prefectureCode: string): Promise<string> {
    const [{ last_value }] = await m.query(
      `INSERT INTO prtr_reference_counters (prefecture_code, fiscal_year, last_value) VALUES ($1, 0, 1)
       ON CONFLICT (prefecture_code, fiscal_year) DO UPDATE SET last_value = prtr_reference_counters.last_value + 1
       RETURNING last_value`,
      [prefectureCode],
    );
    return `P${prefectureCode}${String(last_value).padStart(6, '0')}`;
  }

  // ---- businesses, facilities, certificates ------------------------------------------------

  /** A business as its filer or its prefecture's officer sees it; anyone else gets 404. */
  async business(actor: Actor, id: string, m: EntityManager = this.db.manager): Promise<PrtrBusiness> {
    const b = await m.getRepository(PrtrBusiness).findOneBy({ id });
    const visible =
      !!b &&
      ((actor.role === 'prtr_filer' && actor.prtrBusinessId === b.id) ||
        (actor.role === 'prtr_local_gov' && actor.prtrPrefectureCode === b.prefectureCode));
    if (!visible) throw new DomainError('PRTR_BUSINESS_NOT_FOUND');
    return b;
  }

  async businessView(actor: Actor, id: string) {
    const b = await this.business(actor, id);
    const facilities = await this.db.getRepository(PrtrFacility).find({ where: { businessId: b.id }, order: { name: 'ASC' } });
    const [login] = await this.db.query(`SELECT login_id FROM logins WHERE prtr_business_id = $1`, [b.id]);
    return { ...b, loginId: login?.login_id ?? null, facilities, certificates: await this.certificates.list(b.id) };
  }

  async facilities(actor: Actor) {
    return this.db.getRepository(PrtrFacility).find({ where: { businessId: actor.prtrBusinessId! }, order: { name: 'ASC' } });
  }

  /** The prefecture's officer reissues a filer's certificate: the current one is revoked at once. */
  async reissueCertificate(actor: Actor, businessId: string) {
    const b = await this.business(actor, businessId);
    return this.db.transaction(async (m) => {
      // NO KEY UPDATE: serialises reissues without blocking the audit trail's foreign-key checks on this login
      const [login] = await m.query(`SELECT id, login_id FROM logins WHERE prtr_business_id = $1 FOR NO KEY UPDATE`, [b.id]);
      const certificate = await this.certificates.issue(m, { businessId: b.id, businessName: b.name, loginUuid: login.id, loginId: login.login_id }, actor.id);
      await this.notifications.enqueue(m, {
        event: 'prtr.certificate.reissued',
        key: `prtr.certificate.reissued:${certificate.certificateId}`,
        recipients: [b.contactEmail],
        payload: { businessName: b.name, contactName: b.contactName, ...certificate, importPassword: undefined },
        subjectType: 'prtr_business',
        subjectId: b.id,
      });
      return certificate;
    });
  }

  // ---- officers ------------------------------------------------------------------------------

  /** POST /prtr/officers (secretariat, the operator): a local-government or ministry login. */
  async createOfficer(dto: OfficerDto) {
    const local = dto.role === 'prtr_local_gov';
    const scope = local ? dto.prefectureCode : dto.ministerCode;
    if (!scope || (local ? dto.ministerCode : dto.prefectureCode)) {
      const field = local ? 'prefectureCode' : 'ministerCode';
      throw new DomainError('VALIDATION_FAILED', { fields: [{ field, problems: [`${dto.role} には ${field} のみを指定してください (give ${field} only)`] }] });
    }
    if (local) await this.master.prefectureName(scope);
    else {
      const [minister] = await this.db.query(`SELECT 1 FROM prtr_ministers WHERE code = $1`, [scope]);
      if (!minister) throw new DomainError('PRTR_MINISTER_NOT_FOUND', { code: scope });
    }
    const [prepared] = await this.logins.prepare(1);
    for (let attempt = 0; ; attempt++) {
      const loginId = `${local ? 'LG' : 'MN'}${scope}-${String(randomInt(0, 100000)).padStart(5, '0')}`;
      try {
        return await this.db.transaction((m) =>
          this.logins.insert(
            m,
            {
              loginId,
              role: dto.role,
              displayName: dto.displayName,
              contactEmail: dto.email,
              ...(local ? { prtrPrefectureCode: scope } : { prtrMinisterCode: scope }),
            },
            prepared,
          ),
        );
      } catch (error) {
        if ((error as { code?: string }).code !== '23505' || attempt >= 5) throw error;
      }
    }
  }
}
