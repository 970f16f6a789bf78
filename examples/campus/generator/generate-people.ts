import type { CampusBuilder, Company, Person, PersonKind, PersonStatus, Row } from './campus-builder.js';
import { slug } from './campus-random.js';

/** The fixed users every campus has. The anonymous user is not a person: it is never exported or purged. */
export const campusSpecialUsers = {
  admin: { id: '1', username: 'admin', email: 'admin@campus.example', fullName: 'Site Administrator' },
  anonymous: { id: '2', username: 'anonymous', email: '', fullName: 'Anonymous' },
  sarah: { id: '3', username: 'sstanley', email: 'sarah.stanley@mail.example', fullName: 'Sarah Stanley' },
} as const;

/** The helpdesk's own address, which system emails come from. */
export const helpdeskAddress = 'helpdesk@campus.example';

const learnerDomains = ['mail.example', 'post.example', 'inbox.example', 'student.campus.example'];
const interestWords = [
  'photography',
  'chess',
  'machine learning',
  'gardening',
  'cycling',
  'jazz',
  'cooking',
  'history',
  'robotics',
  'climbing',
  'poetry',
  'statistics',
];
const languages = ['en', 'en', 'en', 'fr', 'de', 'es', 'nl'];
const timezones = [
  'UTC',
  'Europe/London',
  'Europe/Paris',
  'America/New_York',
  'Australia/Sydney',
  'Asia/Tokyo',
];

/** `count` slots: `fixed` values first, in their numbers, then `rest`, shuffled. */
function slots<T>(builder: CampusBuilder, count: number, fixed: Array<[T, number]>, rest: T): T[] {
  const out: T[] = [];
  for (const [value, n] of fixed) for (let i = 0; i < n && out.length < count; i++) out.push(value);
  while (out.length < count) out.push(rest);
  return builder.random.faker.helpers.shuffle(out);
}

function uniqueIn(taken: Set<string>, wanted: string, make: (n: number) => string): string {
  let value = wanted;
  for (let n = 2; taken.has(value); n++) value = make(n);
  taken.add(value);
  return value;
}

/**
 * Inserts the admin, the anonymous user, Sarah Stanley and `total - 2` generated people: about 10% support users
 * (helpdesk customers, each in a company), about 17% staff, the rest learners; about 5% suspended and 4% deleted,
 * half of those legacy (deleted before Lethe managed them).
 */
export function generatePeople(builder: CampusBuilder, total: number): void {
  const r = builder.random;
  const usernames = new Set<string>();
  const emails = new Set<string>();

  const supportCount = Math.max(2, Math.round(total * 0.1));
  const staffCount = Math.max(1, Math.round(total * 0.17) - 1);
  const generated = Math.max(0, total - 2);
  const kinds = slots<PersonKind>(
    builder,
    generated,
    [
      ['support', supportCount],
      ['staff', staffCount],
    ],
    'learner',
  );
  const deletedCount = Math.max(2, Math.round(total * 0.04));
  const statuses = slots<PersonStatus | 'legacy'>(
    builder,
    generated,
    [
      ['suspended', Math.max(1, Math.round(total * 0.05))],
      ['legacy', Math.ceil(deletedCount / 2)],
      ['deleted', Math.floor(deletedCount / 2)],
    ],
    'active',
  );

  const companyCount = Math.max(1, Math.round(supportCount / 4));
  const domains = new Set<string>();
  for (let i = 0; i < companyCount; i++) {
    const name = r.faker.company.name();
    const base = slug(name.split(/[\s,]/)[0] ?? 'company') || 'company';
    const domain = uniqueIn(domains, `${base}.example`, (n) => `${base}${n}.example`);
    builder.companies.push({ name, domain, members: [] });
  }

  const add = (p: Omit<Person, 'id' | 'fullName' | 'createdAt'>, overrides: Row = {}): Person => {
    usernames.add(p.username);
    if (p.email) emails.add(p.email);
    const createdAt = r.daysAgo(2200, 200);
    const statusChangedAt =
      p.status === 'active'
        ? createdAt
        : p.legacy
          ? r.daysAgo(1500, 800)
          : p.status === 'deleted'
            ? r.daysAgo(60, 1)
            : r.daysAgo(120, 1);
    const fullName = `${p.firstname} ${p.lastname}`.trim();
    const id = builder.insert('users', {
      username: p.username,
      email: p.email,
      firstname: p.firstname,
      lastname: p.lastname,
      middlename: r.chance(0.15) ? r.faker.person.middleName() : '',
      alternatename: r.chance(0.1) ? r.faker.person.firstName() : '',
      idnumber: p.kind === 'support' ? '' : `${p.kind === 'staff' ? 'S' : 'L'}${r.int(10000, 99999)}`,
      phone: r.faker.phone.number(),
      mobile: r.chance(0.6) ? r.faker.phone.number() : '',
      address: r.chance(0.5) ? r.faker.location.streetAddress() : '',
      city: r.faker.location.city(),
      country: r.faker.location.countryCode(),
      status: p.status,
      kind: p.kind,
      legacy: p.legacy ? 1 : 0,
      company: p.company,
      description: r.chance(0.5) ? r.paragraph(2) : '',
      interests: r.some(interestWords, r.int(p.rich ? 2 : 0, 4)).join(', '),
      auth: 'manual',
      password_hash: `$2y$10$${r.faker.string.alphanumeric(53)}`,
      lang: r.pick(languages),
      timezone: r.pick(timezones),
      created_at: createdAt,
      updated_at: r.after(createdAt, 400),
      last_login_at: r.chance(0.9) ? r.daysAgo(300, 0) : null,
      status_changed_at: statusChangedAt,
      ...overrides,
    });
    const person: Person = { ...p, id, fullName, createdAt };
    return person;
  };

  const { admin, anonymous, sarah } = campusSpecialUsers;
  builder.people.push(
    add({
      username: admin.username,
      email: admin.email,
      firstname: 'Site',
      lastname: 'Administrator',
      kind: 'staff',
      status: 'active',
      legacy: false,
      company: '',
      rich: false,
    }),
  );
  // The anonymous user: a user row so that re-attributed content keeps its foreign keys; never a person.
  add(
    {
      username: anonymous.username,
      email: anonymous.email,
      firstname: 'Anonymous',
      lastname: '',
      kind: 'staff',
      status: 'active',
      legacy: false,
      company: '',
      rich: false,
    },
    {
      kind: 'system',
      auth: 'nologin',
      password_hash: '',
      idnumber: '',
      phone: '',
      mobile: '',
      address: '',
      city: '',
      description: '',
      interests: '',
    },
  );
  builder.people.push(
    add({
      username: sarah.username,
      email: sarah.email,
      firstname: 'Sarah',
      lastname: 'Stanley',
      kind: 'learner',
      status: 'active',
      legacy: false,
      company: '',
      rich: true,
    }),
  );

  let supportIndex = 0;
  for (let i = 0; i < generated; i++) {
    const kind = kinds[i] ?? 'learner';
    const statusSlot = statuses[i] ?? 'active';
    const firstname = r.faker.person.firstName();
    const lastname = r.faker.person.lastName();
    const f = slug(firstname) || 'user';
    const l = slug(lastname) || 'person';
    let company: Company | undefined;
    let email: string;
    if (kind === 'support') {
      // The first two support users share a company, so that colleagues appear in each other's CC.
      company = supportIndex < 2 ? builder.companies[0] : r.pick(builder.companies);
      supportIndex++;
      const domain = company?.domain ?? 'customer.example';
      email = uniqueIn(emails, `${f}.${l}@${domain}`, (n) => `${f}.${l}${n}@${domain}`);
    } else {
      const domain = kind === 'staff' ? 'campus.example' : r.pick(learnerDomains);
      email = uniqueIn(emails, `${f}.${l}@${domain}`, (n) => `${f}.${l}${n}@${domain}`);
    }
    const username =
      kind === 'support'
        ? email
        : uniqueIn(usernames, `${f.slice(0, 1)}${l}`, (n) => `${f.slice(0, 1)}${l}${n}`);
    const person = add({
      username,
      email,
      firstname,
      lastname,
      kind,
      status: statusSlot === 'legacy' ? 'deleted' : statusSlot,
      legacy: statusSlot === 'legacy',
      company: company?.name ?? '',
      rich: false,
    });
    builder.people.push(person);
    company?.members.push(person);
  }
}
