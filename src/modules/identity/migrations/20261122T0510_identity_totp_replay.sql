-- Two-step verification: remember the last time step a code was accepted for, so that a code
-- seen over someone's shoulder (or replayed) cannot be used a second time (RFC 6238, section 5.2).
ALTER TABLE users ADD COLUMN totp_last_counter integer;
