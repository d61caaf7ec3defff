-- Sign-in locks are per (username, client address) now, with a delay that grows with each further failure from
-- that address (issue 11, item 5): wrong passwords from rotating addresses no longer lock the owner out. The lock
-- query counts one username's failures grouped by address, and a success forgets only its own address's failures.
DROP INDEX IF EXISTS sign_in_failures_by_username;
CREATE INDEX sign_in_failures_by_username_and_address ON sign_in_failures (lower(username), client_ip, at)
    WHERE counts_for_username;
