-- The link a counsellor gives for a video call, shown to the booker with
-- their manage code. Sealed with the booking's own data key like the alias
-- (a meeting link opens a room: it is content), and deleted with the phone
-- number once the talk is over.
ALTER TABLE bookings ADD COLUMN video_link BYTEA;
