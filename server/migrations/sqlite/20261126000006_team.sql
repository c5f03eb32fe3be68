-- Team administration: one-time password-setting codes, the optional TOTP
-- second factor, and which counsellor a session belongs to (so ending an
-- account's sessions is one DELETE).
--
-- A new account, or one whose password was reset, has no usable password
-- hash ('!' never verifies) until its owner sets one with the code.
-- reset_code_hash is the SHA-256 (hex) of the code: the code itself is shown
-- once to the coordinator and never stored. Using it clears both columns.
ALTER TABLE counsellors ADD COLUMN reset_code_hash TEXT;
ALTER TABLE counsellors ADD COLUMN reset_code_expires_at INTEGER; -- Unix milliseconds
-- The TOTP secret, AES-256-GCM encrypted (base64 of nonce || ciphertext),
-- under the key in FRONT_DOOR_TOTP_KEY or <data_dir>/totp.key. NULL: off.
ALTER TABLE counsellors ADD COLUMN totp_secret TEXT;
-- A secret being enrolled: turned on only once a code from it is confirmed.
ALTER TABLE counsellors ADD COLUMN totp_pending TEXT;
-- The last 30-second step whose code was accepted: a code is never used twice.
ALTER TABLE counsellors ADD COLUMN totp_last_step INTEGER;
ALTER TABLE counsellor_sessions ADD COLUMN counsellor_id INTEGER;
CREATE INDEX counsellor_sessions_counsellor ON counsellor_sessions (counsellor_id);
