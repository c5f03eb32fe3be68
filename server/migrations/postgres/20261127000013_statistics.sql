-- Statistics beyond the chat: booked talks, group courses, evaluations,
-- treatment cases and counsellors' reply times are recorded as the same
-- non-identifying activity events as the chat's (no content, no alias, no
-- code; times rounded down to the hour).
--  * amount: a number an event measures (participants at a group session,
--    an evaluation score, how many replies a talk's reply time averages).
--  * group_sessions.counted: the session has been recorded as held, once.
ALTER TABLE activity_events ADD COLUMN amount BIGINT;
ALTER TABLE group_sessions ADD COLUMN counted BIGINT NOT NULL DEFAULT 0;
CREATE INDEX activity_events_at ON activity_events (at);

-- What already happened before these events existed, so a year's figures
-- do not start at this migration. Booked talks: the booking, and the held
-- or missed talk at the hour it began; the booking role 'parent' is the
-- front door's 'parent_or_relative'.
INSERT INTO activity_events (kind, at, channel, role, outcome)
SELECT 'booked', created_at - (created_at % 3600000), 'booking',
       CASE role WHEN 'parent' THEN 'parent_or_relative' ELSE role END, kind
FROM bookings;
INSERT INTO activity_events (kind, at, channel, role, outcome)
SELECT state, starts_at - (starts_at % 3600000), 'booking',
       CASE role WHEN 'parent' THEN 'parent_or_relative' ELSE role END, kind
FROM bookings WHERE state IN ('attended', 'no_show');
INSERT INTO activity_events (kind, at, channel, role, outcome)
SELECT 'cancelled', updated_at - (updated_at % 3600000), 'booking',
       CASE role WHEN 'parent' THEN 'parent_or_relative' ELSE role END, kind
FROM bookings WHERE state = 'cancelled';

-- Group evaluations: the three scores, with the course they belong to.
INSERT INTO activity_events (kind, at, channel, role, outcome, amount, course)
SELECT 'evaluation', e.created_at - (e.created_at % 3600000), 'group',
       CASE g.audience WHEN 'parents' THEN 'parent_or_relative' ELSE 'young_person' END,
       'helpful', e.helpful, 'group:' || e.course_id
FROM group_evaluations e JOIN group_courses g ON g.id = e.course_id;
INSERT INTO activity_events (kind, at, channel, role, outcome, amount, course)
SELECT 'evaluation', e.created_at - (e.created_at % 3600000), 'group',
       CASE g.audience WHEN 'parents' THEN 'parent_or_relative' ELSE 'young_person' END,
       'understood', e.understood, 'group:' || e.course_id
FROM group_evaluations e JOIN group_courses g ON g.id = e.course_id;
INSERT INTO activity_events (kind, at, channel, role, outcome, amount, course)
SELECT 'evaluation', e.created_at - (e.created_at % 3600000), 'group',
       CASE g.audience WHEN 'parents' THEN 'parent_or_relative' ELSE 'young_person' END,
       'recommend', e.recommend, 'group:' || e.course_id
FROM group_evaluations e JOIN group_courses g ON g.id = e.course_id;

-- Treatment cases: converted, activated, closed (and whether it was active).
INSERT INTO activity_events (kind, at, channel, role, age_band)
SELECT 'converted', created_at - (created_at % 3600000), 'treatment', 'young_person', age_group
FROM treatment_cases;
INSERT INTO activity_events (kind, at, channel, role, age_band)
SELECT 'activated', activated_at - (activated_at % 3600000), 'treatment', 'young_person', age_group
FROM treatment_cases WHERE activated_at IS NOT NULL;
INSERT INTO activity_events (kind, at, channel, role, age_band, outcome)
SELECT 'closed', closed_at - (closed_at % 3600000), 'treatment', 'young_person', age_group,
       CASE WHEN activated_at IS NULL THEN 'pending' ELSE 'active' END
FROM treatment_cases WHERE state = 'closed' AND closed_at IS NOT NULL;
