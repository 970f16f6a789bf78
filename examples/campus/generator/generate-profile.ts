import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CampusBuilder, Person } from './campus-builder.js';

const customFields = [
  { shortname: 'department', name: 'Department', datatype: 'text', visible: 2 },
  { shortname: 'startyear', name: 'Start year', datatype: 'text', visible: 1 },
  { shortname: 'linkedin', name: 'LinkedIn profile', datatype: 'text', visible: 2 },
  { shortname: 'dietary', name: 'Dietary requirements', datatype: 'text', visible: 0 },
  { shortname: 'emergencycontact', name: 'Emergency contact', datatype: 'text', visible: 0 },
  { shortname: 'hrnotes', name: 'HR notes', datatype: 'textarea', visible: 0 },
] as const;

const preferenceNames = [
  'auth_forcepasswordchange',
  'email_bounce_count',
  'htmleditor',
  'block_myoverview_user_sort_preference',
  'block_myoverview_user_view_preference',
  'message_provider_forum_posts_enabled',
  'message_provider_badge_enabled',
  'message_blocknoncontacts',
  'forum_markasreadonnotification',
  'filepicker_recentlicense',
  'drawer-open-nav',
  'calendar_lookahead',
  'user_home_page_preference',
  'login_failed_count_since_success',
] as const;

const platforms = [
  { platform: 'ios', models: ['iPhone 13', 'iPhone 15 Pro', 'iPad Air'] },
  { platform: 'android', models: ['Pixel 7', 'Galaxy S23', 'Moto G54'] },
];

function customValue(builder: CampusBuilder, person: Person, shortname: string): string {
  const f = builder.random.faker;
  switch (shortname) {
    case 'department':
      return f.commerce.department();
    case 'startyear':
      return String(builder.random.int(2012, 2025));
    case 'linkedin':
      return `https://www.linkedin.example/in/${person.username.replace(/[^a-z0-9]/g, '')}`;
    case 'dietary':
      return builder.random.pick(['none', 'vegetarian', 'vegan', 'gluten free', 'halal', 'kosher']);
    case 'emergencycontact':
      return `${f.person.fullName()}, ${f.phone.number()}`;
    default:
      return builder.random.paragraph(2);
  }
}

/** Stores a file's content in the row, or on disk under the files folder when there is one. */
export function storeFile(
  builder: CampusBuilder,
  person: Person,
  file: {
    area: 'private' | 'picture';
    filepath: string;
    filename: string;
    mimetype: string;
    content: Buffer;
  },
  createdAt: string,
): number {
  const hash = createHash('sha256').update(file.content).digest('hex');
  let storagePath: string | null = null;
  if (builder.filesDir) {
    storagePath = `${hash.slice(0, 2)}/${hash}`;
    const dir = join(builder.filesDir, hash.slice(0, 2));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, hash), file.content);
  }
  return builder.insert('files', {
    user_id: person.id,
    area: file.area,
    filepath: file.filepath,
    filename: file.filename,
    mimetype: file.mimetype,
    size: file.content.length,
    content_hash: hash,
    content: storagePath ? null : file.content,
    storage_path: storagePath,
    created_at: createdAt,
  });
}

/** Custom profile fields (visible and hidden), preferences, password history, devices, contacts and files. */
export function generateProfiles(builder: CampusBuilder): void {
  const r = builder.random;
  const fieldIds = customFields.map((field) => builder.insert('user_info_fields', { ...field }));
  const everyone = builder.people;
  const setPicture = builder.db.prepare('UPDATE users SET picture = ? WHERE id = ?');

  for (const person of everyone) {
    const rich = person.rich;
    // Custom profile fields: some visible, some hidden.
    const fieldCount = rich ? customFields.length : r.int(2, customFields.length);
    for (const index of r.some([0, 1, 2, 3, 4, 5], fieldCount).sort()) {
      const field = customFields[index];
      const fieldId = fieldIds[index];
      if (!field || fieldId === undefined) continue;
      builder.insert('user_info_data', {
        user_id: person.id,
        field_id: fieldId,
        data: customValue(builder, person, field.shortname),
      });
    }

    for (const name of r.some(preferenceNames, rich ? 12 : r.int(4, 12))) {
      builder.insert('user_preferences', {
        user_id: person.id,
        name,
        value: r.pick(['0', '1', 'true', 'false', 'timeline', 'list', 'lastaccessed', String(r.int(1, 30))]),
      });
    }

    for (let i = 0, n = rich ? 5 : r.int(0, 7); i < n; i++) {
      builder.insert('password_history', {
        user_id: person.id,
        hash: `$2y$10$${r.faker.string.alphanumeric(53)}`,
        created_at: r.after(person.createdAt, 1500),
      });
    }

    for (let i = 0, n = rich ? 2 : r.int(0, 3); i < n; i++) {
      const kind = r.pick(platforms);
      const createdAt = r.after(person.createdAt, 1200);
      builder.insert('user_devices', {
        user_id: person.id,
        name: `${person.firstname}'s ${kind.platform === 'ios' ? 'iPhone' : 'phone'}`,
        model: r.pick(kind.models),
        platform: kind.platform,
        version: `${r.int(12, 17)}.${r.int(0, 6)}`,
        push_id: r.faker.string.hexadecimal({ length: 64, casing: 'lower', prefix: '' }),
        uuid: r.faker.string.uuid(),
        created_at: createdAt,
        last_seen_at: r.after(createdAt, 300),
      });
    }

    const others = r
      .some(everyone, rich ? 6 : r.int(0, 8))
      .filter((other) => other.id !== person.id)
      .sort((a, b) => a.id - b.id);
    for (const other of others) {
      builder.insert('contacts', {
        user_id: person.id,
        contact_user_id: other.id,
        blocked: r.chance(0.05) ? 1 : 0,
        created_at: r.after(person.createdAt, 900),
      });
    }

    if (person.kind === 'support') {
      for (let i = 0, n = r.int(1, 6); i < n; i++) {
        builder.insert('user_history', {
          user_id: person.id,
          entry: r.pick([
            `Phone call with ${person.fullName}: ${r.sentence()}`,
            `Changed email address to ${person.email}.`,
            `Customer of ${person.company}; ${r.sentence()}`,
            `Account manager note: ${r.sentence()}`,
          ]),
          created_at: r.after(person.createdAt, 900),
        });
      }
    }

    if (rich || r.chance(0.7)) {
      const bytes = Buffer.from(
        r.faker.string.hexadecimal({ length: 2 * r.int(200, 900), prefix: '' }),
        'hex',
      );
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), bytes]);
      const fileId = storeFile(
        builder,
        person,
        { area: 'picture', filepath: '/', filename: 'f1.png', mimetype: 'image/png', content: png },
        r.after(person.createdAt, 100),
      );
      setPicture.run(fileId, person.id);
    }

    for (let i = 0, n = rich ? 4 : r.int(0, 5); i < n; i++) {
      const stem = r.pick(['notes', 'essay', 'report', 'cv', 'timesheet', 'reading-list', 'draft']);
      const ext = r.pick(['txt', 'md', 'csv']);
      const text =
        ext === 'csv'
          ? `date,hours,task\n${Array.from({ length: r.int(3, 12) }, () => `${r.daysAgo(400).slice(0, 10)},${r.int(1, 8)},${r.faker.hacker.verb()}`).join('\n')}\n`
          : `# ${r.sentence()}\n\n${r.paragraphs(r.int(1, 4))}\n`;
      storeFile(
        builder,
        person,
        {
          area: 'private',
          filepath: r.pick(['/', '/', '/coursework/', '/admin/']),
          filename: `${stem}-${i + 1}.${ext}`,
          mimetype: ext === 'csv' ? 'text/csv' : ext === 'md' ? 'text/markdown' : 'text/plain',
          content: Buffer.from(text, 'utf8'),
        },
        r.after(person.createdAt, 1500),
      );
    }
  }
}
