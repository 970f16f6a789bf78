import type { ExportRecord, Item, SubjectContext } from '../../../src/items/index.js';
import { changePerSubject, countPerSubject, hostBatch, keysetRows, toRecord } from './batch-sql.js';
import type { CampusDatabase } from './campus-database.js';
import {
  assertMode,
  ownedRowsItem,
  runErase,
  userFieldsItem,
  whenDeleted,
  whenInactive,
} from './item-builders.js';

const group = 'User';

/** Contacts: a row belongs to both people it links, so it counts (and goes) for either of them. */
function contactsItem(campus: CampusDatabase): Item {
  const countSql = (ids: string) => `SELECT user_id, count(*) AS n FROM (
      SELECT t.user_id AS user_id FROM contacts AS t WHERE t.user_id IN (${ids})
      UNION ALL
      SELECT t.contact_user_id AS user_id FROM contacts AS t WHERE t.contact_user_id IN (${ids})
    ) GROUP BY user_id`;
  const item: Item = {
    component: 'user',
    name: 'contacts',
    group,
    title: 'Contacts',
    help: "The people in the user's contact list, and the people who have the user in theirs.",
    sortOrder: 130,
    modes: { delete: { statuses: whenInactive } },
    async count(ctx) {
      // Both halves of the UNION list the ids.
      return countPerSubject(campus, ctx.subjects, countSql, [], 2);
    },
    export: {
      async *records(ctx: SubjectContext): AsyncIterable<ExportRecord> {
        const [id] = hostBatch([ctx.subject]).ids;
        if (id === undefined) return;
        const sql = `SELECT t.id AS id,
            CASE WHEN t.user_id = ? THEN 'my contact' ELSE 'has me as a contact' END AS direction,
            trim(o.firstname || ' ' || o.lastname) AS contact_name, t.blocked AS blocked, t.created_at AS created_at
          FROM contacts AS t JOIN users AS o ON o.id = CASE WHEN t.user_id = ? THEN t.contact_user_id ELSE t.user_id END
          WHERE (t.user_id = ? OR t.contact_user_id = ?) AND t.id > ? ORDER BY t.id LIMIT ?`;
        for await (const row of keysetRows(campus, sql, [id, id, id, id], ctx)) yield toRecord(row);
      },
    },
    async erase(ctx) {
      assertMode(item, ctx.mode);
      return runErase(campus, ctx, (w) => {
        return changePerSubject(
          campus,
          w.subjects,
          (ids) =>
            `DELETE FROM contacts WHERE user_id IN (${ids}) OR contact_user_id IN (${ids})
             RETURNING user_id AS user_id, contact_user_id AS contact_id`,
          { repeat: 2, columns: ['user_id', 'contact_id'] },
        ).counts;
      });
    },
  };
  return item;
}

export function userItems(campus: CampusDatabase): Item[] {
  return [
    userFieldsItem(campus, {
      component: 'user',
      name: 'names',
      group,
      title: 'Names',
      help: 'First name, last name, middle name and alternate name. Kept while the user is suspended.',
      sortOrder: 10,
      present: "t.firstname <> '' OR t.lastname <> '' OR t.middlename <> '' OR t.alternatename <> ''",
      select:
        't.firstname AS firstname, t.lastname AS lastname, t.middlename AS middlename, t.alternatename AS alternatename',
      delete: {
        statuses: whenDeleted,
        set: "firstname = '', lastname = '', middlename = '', alternatename = ''",
      },
    }),
    userFieldsItem(campus, {
      component: 'user',
      name: 'username',
      group,
      title: 'Username',
      help: 'The login name. Anonymising replaces it with "deleted-<id>", which stays unique.',
      sortOrder: 20,
      present: "t.username <> 'deleted-' || t.id",
      select: 't.username AS username',
      anonymise: { statuses: whenDeleted, set: "username = 'deleted-' || t.id" },
    }),
    userFieldsItem(campus, {
      component: 'user',
      name: 'idnumber',
      group,
      title: 'ID number',
      help: "The user's ID number in the organisation's records.",
      sortOrder: 30,
      present: "t.idnumber <> ''",
      select: 't.idnumber AS idnumber',
      delete: { statuses: whenInactive, set: "idnumber = ''" },
    }),
    userFieldsItem(campus, {
      component: 'user',
      name: 'email',
      group,
      title: 'Email address',
      help: 'The email address. It may be erased only once the user is deleted.',
      sortOrder: 40,
      present: "t.email <> ''",
      select: 't.email AS email',
      delete: { statuses: whenDeleted, set: "email = ''" },
    }),
    userFieldsItem(campus, {
      component: 'user',
      name: 'profile',
      group,
      title: 'Profile details',
      help: 'Phone numbers, address, city, country and the "about me" description.',
      sortOrder: 60,
      present:
        "t.phone <> '' OR t.mobile <> '' OR t.address <> '' OR t.city <> '' OR t.country <> '' OR t.description <> ''",
      select:
        't.phone AS phone, t.mobile AS mobile, t.address AS address, t.city AS city, t.country AS country, t.description AS description',
      delete: {
        statuses: whenDeleted,
        set: "phone = '', mobile = '', address = '', city = '', country = '', description = ''",
      },
    }),
    userFieldsItem(campus, {
      component: 'user',
      name: 'interests',
      group,
      title: 'Interests',
      help: 'The interests listed on the profile.',
      sortOrder: 70,
      present: "t.interests <> ''",
      select: 't.interests AS interests',
      delete: { statuses: whenInactive, set: "interests = ''" },
    }),
    userFieldsItem(campus, {
      component: 'user',
      name: 'password',
      group,
      title: 'Password',
      help: 'The password hash. The export says only that a password is set, never the hash.',
      sortOrder: 80,
      present: "t.password_hash <> ''",
      select: "t.auth AS authentication, 'yes' AS password_set",
      delete: { statuses: whenInactive, set: "password_hash = ''" },
    }),
    ownedRowsItem(campus, {
      component: 'user',
      name: 'preferences',
      group,
      title: 'Preferences',
      help: "The user's settings, such as the editor, notifications and dashboard layout.",
      sortOrder: 90,
      table: 'user_preferences',
      owner: 'user_id',
      select: 't.name AS name, t.value AS value',
      delete: whenInactive,
    }),
    ownedRowsItem(campus, {
      component: 'user',
      name: 'custom-fields-visible',
      group,
      title: 'Custom profile fields (visible)',
      help: 'Custom profile fields that the user can see.',
      sortOrder: 100,
      table: 'user_info_data',
      owner: 'user_id',
      filter: 't.field_id IN (SELECT id FROM user_info_fields WHERE visible > 0)',
      joins: 'JOIN user_info_fields AS f ON f.id = t.field_id',
      select: 'f.shortname AS field, f.name AS field_name, t.data AS value',
      delete: whenInactive,
    }),
    ownedRowsItem(campus, {
      component: 'user',
      name: 'custom-fields-hidden',
      group,
      title: 'Custom profile fields (hidden)',
      help: 'Custom profile fields that only staff can see, such as HR notes. Leave it out of self-service exports.',
      sortOrder: 110,
      table: 'user_info_data',
      owner: 'user_id',
      filter: 't.field_id IN (SELECT id FROM user_info_fields WHERE visible = 0)',
      joins: 'JOIN user_info_fields AS f ON f.id = t.field_id',
      select: 'f.shortname AS field, f.name AS field_name, t.data AS value',
      delete: whenDeleted,
    }),
    ownedRowsItem(campus, {
      component: 'user',
      name: 'password-history',
      group,
      title: 'Password history',
      help: 'Previous password hashes, kept to stop reuse. The export lists only when each was set.',
      sortOrder: 120,
      table: 'password_history',
      owner: 'user_id',
      select: 't.created_at AS changed_at',
      delete: whenInactive,
    }),
    contactsItem(campus),
    ownedRowsItem(campus, {
      component: 'user',
      name: 'devices',
      group,
      title: 'Mobile devices',
      help: 'Phones and tablets registered for the mobile app, with their push identifiers.',
      sortOrder: 140,
      table: 'user_devices',
      owner: 'user_id',
      select:
        't.name AS name, t.model AS model, t.platform AS platform, t.version AS version, t.uuid AS uuid, t.created_at AS created_at, t.last_seen_at AS last_seen_at',
      delete: whenInactive,
    }),
  ];
}
