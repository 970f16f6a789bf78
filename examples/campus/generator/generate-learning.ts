import type { CampusBuilder, Person } from './campus-builder.js';

const categories = ['Compliance', 'Leadership', 'Technology', 'Health and Safety', 'Languages', 'Onboarding'];

/** Courses, forums, seminars with sessions, badges, and course calendar events. */
export function generateCatalogue(
  builder: CampusBuilder,
  userCount: number,
): { sessionIds: number[]; badgeIds: number[] } {
  const r = builder.random;
  const courseCount = Math.min(40, Math.max(6, Math.round(userCount / 15)));
  for (let i = 0; i < courseCount; i++) {
    const fullname = `${r.faker.company.buzzVerb()} ${r.faker.company.buzzNoun()}`.replace(/^./, (c) =>
      c.toUpperCase(),
    );
    const id = builder.insert('courses', {
      shortname: `C${String(i + 1).padStart(3, '0')}`,
      fullname,
      category: r.pick(categories),
    });
    builder.courseIds.push(id);
  }
  builder.forumIds.push(
    builder.insert('forums', {
      course_id: builder.courseIds[0] ?? 1,
      name: 'Site news',
      intro: 'Announcements for everyone on the campus.',
    }),
  );
  for (const courseId of builder.courseIds) {
    builder.forumIds.push(
      builder.insert('forums', { course_id: courseId, name: 'Discussion forum', intro: r.sentence() }),
    );
    for (let i = 0; i < 3; i++) {
      builder.insert('calendar_events', {
        user_id: null,
        course_id: courseId,
        event_type: 'course',
        name: r.pick(['Assignment due', 'Live session', 'Quiz opens', 'Course review']),
        description: r.sentence(),
        time_start: r.daysAgo(200, -60),
        duration_minutes: r.pick([0, 30, 60, 90]),
      });
    }
  }
  const sessionIds: number[] = [];
  for (const courseId of builder.courseIds.filter((_, i) => i % 3 === 0)) {
    const seminarId = builder.insert('seminars', {
      course_id: courseId,
      name: `${r.faker.company.catchPhraseNoun()} workshop`,
    });
    for (let i = 0, n = r.int(2, 4); i < n; i++) {
      const startsAt = r.daysAgo(500, -60);
      sessionIds.push(
        builder.insert('seminar_sessions', {
          seminar_id: seminarId,
          starts_at: startsAt,
          ends_at: new Date(Date.parse(startsAt) + r.int(1, 8) * 3_600_000).toISOString(),
          room: `${r.pick(['North', 'South', 'East', 'West'])} building, room ${r.int(1, 40)}`,
        }),
      );
    }
  }
  const badgeIds: number[] = [];
  for (let i = 0; i < 15; i++) {
    badgeIds.push(
      builder.insert('badges', {
        name: `${r.faker.word.adjective()} ${r.faker.word.noun()}`.replace(/^./, (c) => c.toUpperCase()),
        description: r.sentence(),
        course_id: r.chance(0.7) ? r.pick(builder.courseIds) : null,
        issuer_name: 'Campus Learning',
      }),
    );
  }
  return { sessionIds, badgeIds };
}

/** Per person: calendar events, completions, badges, seminar signups, job assignments, notes, messages, blogs. */
export function generateLearning(
  builder: CampusBuilder,
  catalogue: { sessionIds: number[]; badgeIds: number[] },
): void {
  const r = builder.random;
  const everyone = builder.people;
  const platformUsers = builder.platformUsers;
  const staff = builder.staff;
  let sarahMentioned = false;
  const sarah = everyone.find((p) => p.rich);

  /** Now and then, a mention of someone else in free text. */
  const maybeMention = (author: Person, pool: readonly Person[], probability: number): string => {
    if (sarah && !sarahMentioned && author !== sarah && r.chance(0.5)) {
      sarahMentioned = true;
      return builder.mention(sarah);
    }
    if (!r.chance(probability)) return '';
    const other = r.pick(pool);
    return other.id === author.id ? '' : builder.mention(other);
  };

  for (const person of everyone) {
    const rich = person.rich;
    const learns = person.kind !== 'support';

    for (let i = 0, n = rich ? 6 : learns ? r.int(0, 12) : r.int(0, 2); i < n; i++) {
      builder.insert('calendar_events', {
        user_id: person.id,
        course_id: null,
        event_type: 'user',
        name: r.pick([
          'Study group',
          'Meet my mentor',
          'Revise for the quiz',
          'Dentist',
          'Call with manager',
        ]),
        description: r.chance(0.5) ? r.sentence() : '',
        time_start: r.daysAgo(400, -90),
        duration_minutes: r.pick([15, 30, 60, 120]),
      });
    }

    if (learns) {
      for (const courseId of r.some(builder.courseIds, rich ? 6 : r.int(1, 10)).sort((a, b) => a - b)) {
        const enrolledAt = r.after(person.createdAt, 900);
        const started = r.chance(0.85);
        const completed = started && r.chance(0.6);
        builder.insert('course_completions', {
          user_id: person.id,
          course_id: courseId,
          enrolled_at: enrolledAt,
          started_at: started ? r.after(enrolledAt, 30) : null,
          completed_at: completed ? r.after(enrolledAt, 200) : null,
          grade: completed ? r.int(50, 100) : null,
        });
      }
      for (const badgeId of r.some(catalogue.badgeIds, rich ? 3 : r.int(0, 5)).sort((a, b) => a - b)) {
        const issuedAt = r.after(person.createdAt, 1000);
        builder.insert('badge_issued', {
          badge_id: badgeId,
          user_id: person.id,
          unique_hash: r.faker.string.hexadecimal({ length: 40, casing: 'lower', prefix: '' }),
          issued_at: issuedAt,
          expires_at: r.chance(0.3) ? r.after(issuedAt, 730, true) : null,
        });
      }
      for (const sessionId of r.some(catalogue.sessionIds, rich ? 3 : r.int(0, 4)).sort((a, b) => a - b)) {
        builder.insert('seminar_signups', {
          session_id: sessionId,
          user_id: person.id,
          state: r.pick(['booked', 'waitlisted', 'cancelled', 'attended', 'attended', 'no_show']),
          note: r.chance(0.3) ? r.sentence() : '',
          signed_up_at: r.after(person.createdAt, 1200),
        });
      }
      for (let i = 0, n = rich ? 2 : r.int(1, 2); i < n; i++) {
        const manager = r.pick(staff);
        const startDate = r.after(person.createdAt, 600).slice(0, 10);
        builder.insert('job_assignments', {
          user_id: person.id,
          fullname: r.faker.person.jobTitle(),
          idnumber: `JA-${person.id}-${i + 1}`,
          position: r.faker.person.jobType(),
          organisation: r.faker.commerce.department(),
          manager_id: manager.id === person.id ? null : manager.id,
          start_date: startDate,
          end_date: r.chance(0.2) ? r.after(startDate, 500).slice(0, 10) : null,
          created_at: r.after(person.createdAt, 30),
        });
      }
      // Notes that staff wrote about this person.
      for (let i = 0, n = rich ? 3 : r.int(0, 4); i < n; i++) {
        const author = r.pick(staff);
        builder.insert('notes', {
          subject_user_id: person.id,
          author_id: author.id,
          course_id: r.chance(0.6) ? r.pick(builder.courseIds) : null,
          publish_state: r.pick(['personal', 'course', 'site']),
          content:
            `${r.sentence()} ${r.chance(0.3) ? `${person.firstname} ${r.sentence().toLowerCase()}` : ''}`.trim(),
          created_at: r.after(person.createdAt, 1500),
        });
      }
      if (rich || r.chance(0.4)) {
        for (let i = 0, n = rich ? 3 : r.int(1, 6); i < n; i++) {
          const createdAt = r.after(person.createdAt, 1500);
          builder.insert('blog_posts', {
            author_id: person.id,
            author_name: person.fullName,
            title: r.sentence().replace(/\.$/, ''),
            body: `${maybeMention(person, platformUsers, 0.1)}${r.paragraphs(r.int(1, 3))}`,
            publish_state: r.pick(['draft', 'site', 'site', 'public']),
            created_at: createdAt,
            updated_at: r.after(createdAt, 60),
          });
        }
      }
    }

    // Private messages, mostly between platform users.
    const pool = learns ? platformUsers : staff;
    for (let i = 0, n = rich ? 8 : r.int(0, learns ? 20 : 3); i < n; i++) {
      const to = r.pick(pool);
      if (to.id === person.id) continue;
      const createdAt = r.after(person.createdAt, 1500);
      builder.insert('messages', {
        from_user_id: person.id,
        to_user_id: to.id,
        subject: r.chance(0.5) ? r.sentence() : '',
        body: `Hi ${to.firstname}, ${maybeMention(person, pool, 0.1)}${r.paragraph(r.int(1, 4))}`,
        created_at: createdAt,
        read_at: r.chance(0.7) ? r.after(createdAt, 5) : null,
      });
    }
  }
}
