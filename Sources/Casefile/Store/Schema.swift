import SQLiteDB

/// The database schema, as ordered migrations. What the database holds in the clear is what
/// DESIGN.md's attacker table allows: counts, days, states, categories, channels, who is
/// assigned. Content, identity and the accused are only ever in sealed blobs.
enum Schema {
    /// The migration that adds the roster seal: the run that applies it seals every account.
    static let rosterSealMigration = "0011-two-keys-and-seals"

    static var migrator: Migrator {
        var m = Migrator()
        m.register("0001-accounts-cases-grants-audit") { db in
            try db.execute("""
            CREATE TABLE meta(
              name TEXT PRIMARY KEY,
              value TEXT NOT NULL
            ) STRICT;

            CREATE TABLE accounts(
              id INTEGER PRIMARY KEY,
              login TEXT NOT NULL UNIQUE,
              display_name TEXT NOT NULL,
              employee_id TEXT,
              role TEXT NOT NULL CHECK (role IN ('head','inspector','approver','admin','auditor')),
              seat TEXT CHECK (seat IN ('chairman','party_secretary')),
              password_hash TEXT NOT NULL,
              public_key BLOB NOT NULL,
              private_key_enc BLOB NOT NULL,
              totp_secret_sealed BLOB,
              totp_enrolled INTEGER NOT NULL DEFAULT 0,
              disabled INTEGER NOT NULL DEFAULT 0,
              failed_logins INTEGER NOT NULL DEFAULT 0,
              locked_until INTEGER NOT NULL DEFAULT 0,
              created_at INTEGER NOT NULL
            ) STRICT;

            CREATE TABLE cases(
              id INTEGER PRIMARY KEY,
              ref TEXT NOT NULL UNIQUE,
              register_year INTEGER NOT NULL,
              register_seq INTEGER NOT NULL,
              channel TEXT NOT NULL CHECK (channel IN ('online','letter','phone','email','visit')),
              category TEXT NOT NULL,
              state TEXT NOT NULL,
              outcome TEXT,
              real_name INTEGER NOT NULL,
              confidential INTEGER NOT NULL,
              received_day INTEGER NOT NULL,
              registered_day INTEGER,
              acceptance_notice_day INTEGER,
              feedback_day INTEGER,
              closed_day INTEGER,
              lookup_id BLOB UNIQUE,
              lookup_params TEXT,
              approvals TEXT NOT NULL DEFAULT '',
              report_submitted_day INTEGER,
              sanction_recorded INTEGER NOT NULL DEFAULT 0,
              legal_hold INTEGER NOT NULL DEFAULT 0,
              UNIQUE (register_year, register_seq)
            ) STRICT;

            -- Every piece of a case, sealed with the case key. `slot` is random and part of the
            -- associated data, so a blob cannot be moved to another case, kind or row unnoticed.
            CREATE TABLE blobs(
              id INTEGER PRIMARY KEY,
              case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
              kind TEXT NOT NULL,
              slot TEXT NOT NULL UNIQUE,
              author TEXT NOT NULL,
              day INTEGER NOT NULL,
              sealed BLOB NOT NULL
            ) STRICT;
            CREATE INDEX blobs_case_kind ON blobs(case_id, kind);

            -- Files: the bytes are a stream-sealed file under data/files/<file>; the name, type
            -- and size are sealed here.
            CREATE TABLE attachments(
              id INTEGER PRIMARY KEY,
              case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
              file TEXT NOT NULL UNIQUE,
              author TEXT NOT NULL,
              internal INTEGER NOT NULL,
              day INTEGER NOT NULL,
              meta_sealed BLOB NOT NULL
            ) STRICT;
            CREATE INDEX attachments_case ON attachments(case_id);

            -- The case key sealed for each holder: 'account:<id>', 'recovery' or 'reporter'.
            CREATE TABLE grants(
              case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
              holder TEXT NOT NULL,
              account_id INTEGER REFERENCES accounts(id),
              sealed_key BLOB NOT NULL,
              PRIMARY KEY (case_id, holder)
            ) STRICT;
            CREATE INDEX grants_account ON grants(account_id);

            -- A real-name reporter's identity key, sealed for the head(s), the recovery key and
            -- inspectors whose reasoned request the head granted.
            CREATE TABLE identity_grants(
              case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
              holder TEXT NOT NULL,
              account_id INTEGER REFERENCES accounts(id),
              sealed_key BLOB NOT NULL,
              PRIMARY KEY (case_id, holder)
            ) STRICT;

            -- Who holds a case in which capacity: 'intake', 'inspector', 'chairman',
            -- 'party_secretary'. Exclusions are not here: they would name the accused. They are
            -- a sealed blob of the case, and by key: an excluded account has no grant.
            CREATE TABLE assignments(
              case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
              account_id INTEGER NOT NULL REFERENCES accounts(id),
              capacity TEXT NOT NULL,
              PRIMARY KEY (case_id, account_id, capacity)
            ) STRICT;

            -- Append-only, hash-chained: each entry's MAC covers the previous entry's MAC.
            CREATE TABLE audit_log(
              id INTEGER PRIMARY KEY,
              at INTEGER NOT NULL,
              actor TEXT NOT NULL,
              action TEXT NOT NULL,
              case_ref TEXT,
              detail TEXT NOT NULL,
              mac BLOB NOT NULL
            ) STRICT;
            CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
              BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
              BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

            CREATE TABLE counters(
              name TEXT PRIMARY KEY,
              value INTEGER NOT NULL
            ) STRICT;
            """)
        }
        m.register("0002-totp-replay-and-identity-requests") { db in
            try db.execute("""
            ALTER TABLE accounts ADD COLUMN totp_last_counter INTEGER NOT NULL DEFAULT 0;

            -- An inspector's reasoned request to read a real-name reporter's identity (art. 4);
            -- the reason is sealed in the case, the decision is the head's.
            CREATE TABLE identity_requests(
              id INTEGER PRIMARY KEY,
              case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
              account_id INTEGER NOT NULL REFERENCES accounts(id),
              reason_slot TEXT NOT NULL,
              state TEXT NOT NULL CHECK (state IN ('pending','granted','refused')),
              decided_by INTEGER REFERENCES accounts(id)
            ) STRICT;
            """)
        }
        m.register("0003-purge") { db in
            // The day a closed case was crypto-shredded; the row stays as a tombstone so the
            // register's numbering and the statistics stay continuous.
            try db.execute("ALTER TABLE cases ADD COLUMN purged_day INTEGER")
            // Nothing may be sealed into a purged case again: a reporter or staff session still
            // holding its key in memory must not bring content back after the purge.
            for table in ["blobs", "attachments", "grants", "identity_grants", "assignments", "identity_requests"] {
                try db.execute("""
                CREATE TRIGGER \(table)_not_after_purge BEFORE INSERT ON \(table)
                  WHEN (SELECT purged_day FROM cases WHERE id = NEW.case_id) IS NOT NULL
                  BEGIN SELECT RAISE(ABORT, 'this case was purged'); END;
                """)
            }
        }
        m.register("0004-rewards") { db in
            try db.execute("""
            -- Arts. 13–14. Amounts in fen. The reward's life: assessed (eligible) or excluded,
            -- proposed by the head, approved by both seats, paid.
            CREATE TABLE rewards(
              case_id INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
              verified_loss_fen INTEGER NOT NULL,
              state TEXT NOT NULL CHECK (state IN ('assessed','excluded','proposed','approved','paid')),
              exclusions TEXT NOT NULL DEFAULT '',
              amount_fen INTEGER,
              approvals TEXT NOT NULL DEFAULT '',
              claim_ref TEXT UNIQUE,
              paid_day INTEGER
            ) STRICT;

            -- Records that the department knew of a matter before a report (art. 14).
            CREATE TABLE prior_knowledge(
              id INTEGER PRIMARY KEY,
              case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
              kind TEXT NOT NULL CHECK (kind IN ('discovered','investigating','measures_taken')),
              recorded_day INTEGER NOT NULL
            ) STRICT;

            -- Other reports on the same matter: only the earliest is rewarded.
            CREATE TABLE same_matter(
              case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
              other_case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
              PRIMARY KEY (case_id, other_case_id)
            ) STRICT;
            """)
        }
        m.register("0005-notifications") { db in
            try db.execute("""
            -- Where a staff member is told that something waits in the console, and how often.
            -- The address is not secret; what the notices say is the same for everyone.
            ALTER TABLE accounts ADD COLUMN email TEXT;
            ALTER TABLE accounts ADD COLUMN notify TEXT NOT NULL DEFAULT 'immediate'
              CHECK (notify IN ('immediate','digest','none'));

            -- Notices waiting to go, sent, or given up on. A row names an account and a kind,
            -- never a case: the mail itself names none. `mark` makes a scheduled notice (a
            -- digest, a deadline reminder) idempotent for its day.
            CREATE TABLE outbox(
              id INTEGER PRIMARY KEY,
              account_id INTEGER NOT NULL REFERENCES accounts(id),
              kind TEXT NOT NULL CHECK (kind IN ('immediate','digest')),
              state TEXT NOT NULL CHECK (state IN ('queued','sent','failed')),
              attempts INTEGER NOT NULL DEFAULT 0,
              created_at INTEGER NOT NULL,
              next_attempt_at INTEGER NOT NULL,
              last_attempt_at INTEGER,
              sent_at INTEGER,
              last_error TEXT,
              mark TEXT UNIQUE
            ) STRICT;
            CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
            """)
        }
        m.register("0006-api-tokens") { db in
            try db.execute("""
            -- Staff API tokens: the token only as its SHA-256; the account's private key sealed under
            -- a key derived from the token (HKDF, per-row salt), so the row is useless without the
            -- token and deleting the row revokes it for good.
            CREATE TABLE api_tokens(
              id INTEGER PRIMARY KEY,
              account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
              name TEXT NOT NULL,
              token_hash BLOB NOT NULL UNIQUE,
              salt BLOB NOT NULL,
              key_sealed BLOB NOT NULL,
              created_day INTEGER NOT NULL,
              last_used_day INTEGER
            ) STRICT;
            CREATE INDEX api_tokens_account ON api_tokens(account_id);
            """)
        }
        m.register("0007-refusal-prior-knowledge-payment-check") { db in
            try db.execute("""
            -- Art. 14: a prior-knowledge record is dated by the server the day it is entered, never
            -- typed, and may name an earlier case in the register as its source, whose received day
            -- is then when the department knew. Rows from before carry a typed day and no
            -- entered_day: nothing counts them.
            ALTER TABLE prior_knowledge ADD COLUMN entered_day INTEGER;
            ALTER TABLE prior_knowledge ADD COLUMN source_case_id INTEGER REFERENCES cases(id);

            -- Art. 13: a reward is paid only against a check of the reporter's code by a staff
            -- member: who checked and when. The code itself is never stored.
            ALTER TABLE rewards ADD COLUMN checked_by INTEGER REFERENCES accounts(id);
            ALTER TABLE rewards ADD COLUMN checked_at INTEGER;
            CREATE TRIGGER rewards_paid_needs_check BEFORE UPDATE OF state ON rewards
              WHEN NEW.state = 'paid' AND NEW.checked_by IS NULL
              BEGIN SELECT RAISE(ABORT, 'a reward is paid only against a check of the reporter''s code'); END;
            """)
        }
        m.register("0008-reader-changes") { db in
            try db.execute("""
            -- Issue 13, two-person rule: an account's reading power (head, inspector, approver) is
            -- in force only once a second reader has confirmed it. `reading_pending` = 1: the
            -- account holds nothing new, is not in the roster intake and seats are drawn from, and
            -- Grants refuses to seal for it. Existing accounts were made before the rule: in force.
            ALTER TABLE accounts ADD COLUMN reading_pending INTEGER NOT NULL DEFAULT 0;

            -- Each change of reading power and each change of alternates, as asked and as decided.
            -- `outcome` NULL: awaiting a second person; 'confirmed', 'rejected', 'bootstrap'
            -- (in force at once: made from the command line before any confirmed reader existed).
            CREATE TABLE reader_changes(
              id INTEGER PRIMARY KEY,
              kind TEXT NOT NULL CHECK (kind IN ('create','enable','reset','alternates')),
              account_id INTEGER REFERENCES accounts(id),
              payload TEXT,
              requested_by TEXT NOT NULL,
              requested_at INTEGER NOT NULL,
              outcome TEXT CHECK (outcome IN ('confirmed','rejected','bootstrap')),
              decided_by INTEGER REFERENCES accounts(id),
              decided_at INTEGER
            ) STRICT;
            CREATE INDEX reader_changes_open ON reader_changes(outcome, id);
            """)
        }
        m.register("0009-account-post") { db in
            try db.execute("""
            -- The post as the company writes it (财务部经理): a report naming "王部长" or a post is
            -- matched against it at every grant (art. 10). Not secret: it is on the org chart.
            ALTER TABLE accounts ADD COLUMN post TEXT;
            """)
        }
        m.register("0010-api-token-ids-never-reused") { db in
            try db.execute("""
            -- Issue 14: the audit log names a token by its id (api_token_create/revoke). Without
            -- AUTOINCREMENT a revoked token's id went to the next token, and two tokens shared one
            -- name in the log. Rebuilt keeping every row and id; nothing references the table.
            CREATE TABLE api_tokens_new(
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
              name TEXT NOT NULL,
              token_hash BLOB NOT NULL UNIQUE,
              salt BLOB NOT NULL,
              key_sealed BLOB NOT NULL,
              created_day INTEGER NOT NULL,
              last_used_day INTEGER
            ) STRICT;
            INSERT INTO api_tokens_new(id, account_id, name, token_hash, salt, key_sealed, created_day, last_used_day)
              SELECT id, account_id, name, token_hash, salt, key_sealed, created_day, last_used_day FROM api_tokens;
            DROP TABLE api_tokens;
            ALTER TABLE api_tokens_new RENAME TO api_tokens;
            CREATE INDEX api_tokens_account ON api_tokens(account_id);
            """)
        }
        m.register(rosterSealMigration) { db in
            try db.execute("""
            -- Issue 14, two keys per case: the internal key sealed for each staff holder and the
            -- recovery key; never for the reporter, whose grant (in `grants`) is the channel key.
            CREATE TABLE internal_grants(
              case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
              holder TEXT NOT NULL,
              account_id INTEGER REFERENCES accounts(id),
              sealed_key BLOB NOT NULL,
              PRIMARY KEY (case_id, holder)
            ) STRICT;
            CREATE INDEX internal_grants_account ON internal_grants(account_id);
            CREATE TRIGGER internal_grants_not_after_purge BEFORE INSERT ON internal_grants
              WHEN (SELECT purged_day FROM cases WHERE id = NEW.case_id) IS NOT NULL
              BEGIN SELECT RAISE(ABORT, 'this case was purged'); END;

            -- Authenticated state (CaseSeal): what the case's rows must say, sealed under the
            -- internal key (everything that decides access or workflow) and under the channel key
            -- (the state the reporter is shown and the reporter's channel). NULL for a case made
            -- before the split until its first staff open, and for a purged case.
            ALTER TABLE cases ADD COLUMN state_seal BLOB;
            -- RosterSeal: an HMAC under a key derived from the audit key over who an account is and
            -- what it may read; sealed for every existing account by the run that adds it.
            ALTER TABLE accounts ADD COLUMN roster_mac BLOB;
            ALTER TABLE cases ADD COLUMN channel_seal BLOB;
            """)
        }
        m.register("0012-no-plaintext-at-rest") { db in
            try db.execute("""
            -- Issue 14: a reward's loss, exclusion reasons and amount are sealed in the case
            -- (blob `reward_figures`); the row keeps the workflow state a list filters on. The three
            -- old columns stay, nullable, only for rows from before: the next staff open seals and
            -- empties them (Ledger.sealLegacyPlaintext). Nothing writes them any more.
            CREATE TABLE rewards_new(
              case_id INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
              state TEXT NOT NULL CHECK (state IN ('assessed','excluded','proposed','approved','paid')),
              approvals TEXT NOT NULL DEFAULT '',
              claim_ref TEXT UNIQUE,
              paid_day INTEGER,
              checked_by INTEGER REFERENCES accounts(id),
              checked_at INTEGER,
              verified_loss_fen INTEGER,
              exclusions TEXT,
              amount_fen INTEGER
            ) STRICT;
            INSERT INTO rewards_new(case_id, state, approvals, claim_ref, paid_day, checked_by, checked_at, verified_loss_fen, exclusions, amount_fen)
              SELECT case_id, state, approvals, claim_ref, paid_day, checked_by, checked_at, verified_loss_fen, exclusions, amount_fen FROM rewards;
            DROP TABLE rewards;
            ALTER TABLE rewards_new RENAME TO rewards;
            CREATE TRIGGER rewards_paid_needs_check BEFORE UPDATE OF state ON rewards
              WHEN NEW.state = 'paid' AND NEW.checked_by IS NULL
              BEGIN SELECT RAISE(ABORT, 'a reward is paid only against a check of the reporter''s code'); END;

            -- Who asked and who decided are sealed with the reason (blob `identity_request_record`);
            -- the row keeps the state, so a list can show that a request waits and two heads cannot
            -- both decide one. account_id and decided_by: only rows from before, emptied like the
            -- reward's. Ids are named in the audit log: never reused.
            CREATE TABLE identity_requests_new(
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
              reason_slot TEXT NOT NULL,
              state TEXT NOT NULL CHECK (state IN ('pending','granted','refused')),
              account_id INTEGER REFERENCES accounts(id),
              decided_by INTEGER REFERENCES accounts(id)
            ) STRICT;
            INSERT INTO identity_requests_new(id, case_id, reason_slot, state, account_id, decided_by)
              SELECT id, case_id, reason_slot, state, account_id, decided_by FROM identity_requests;
            DROP TABLE identity_requests;
            ALTER TABLE identity_requests_new RENAME TO identity_requests;
            CREATE INDEX identity_requests_case ON identity_requests(case_id);

            -- prior_knowledge and same_matter are no longer written at all (everything is in the
            -- sealed blobs `prior_knowledge` and `same_matter`); their old rows wait there for the
            -- next staff open. Nothing is sealed into a purged case, rewards included.
            """)
            for table in ["rewards", "identity_requests"] {
                try db.execute("""
                CREATE TRIGGER \(table)_not_after_purge BEFORE INSERT ON \(table)
                  WHEN (SELECT purged_day FROM cases WHERE id = NEW.case_id) IS NOT NULL
                  BEGIN SELECT RAISE(ABORT, 'this case was purged'); END;
                """)
            }
        }
        m.register("0013-lookup-prefilter") { db in
            try db.execute("""
            -- Issue 16: a 32-bit tag of the case's tracking code, an HMAC under the pepper
            -- (LookupPrefilter), so that a wrong code is answered without scrypt. Like lookup_id
            -- it is outside the case's seal; without the pepper it tests no code. Cases from
            -- before have none: every lookup derives for them until their reporter opens them
            -- once and the tag is stored. A purge clears it with the lookup id.
            ALTER TABLE cases ADD COLUMN lookup_tag INTEGER;
            CREATE INDEX cases_lookup_tag ON cases(lookup_tag) WHERE lookup_id IS NOT NULL;
            """)
        }
        m.register("0014-due-days-and-listing-indexes") { db in
            try db.execute("""
            -- Issue 16: each case's earliest unmet due day (DueDays.swift), written with every change
            -- that moves it and, for every case, by the first run after this migration and after a
            -- change of the deadline rules or calendar; NULL for a closed case. Not sealed: derived.
            ALTER TABLE cases ADD COLUMN next_due_day INTEGER;
            CREATE INDEX cases_next_due ON cases(next_due_day) WHERE next_due_day IS NOT NULL;
            CREATE INDEX cases_received ON cases(received_day, id);
            CREATE INDEX cases_state ON cases(state, received_day);
            -- Statistics count by year, state, category and channel from the index alone.
            CREATE INDEX cases_year_figures ON cases(register_year, state, category, channel, real_name);
            -- A holder's cases without reading every grant of every case.
            CREATE INDEX grants_holder ON grants(holder, case_id);
            CREATE INDEX assignments_account ON assignments(account_id, capacity, case_id);
            """)
        }
        m.register("0015-unheld-candidates") { db in
            try db.execute("""
            -- Issue 16: the cases that may have no reader, so the console's "a report waits for a
            -- reader" count reads those few rows and not every case. Kept by triggers: a case is
            -- a candidate from its insert until it gets an assignment, and again when its last
            -- one goes. The count still checks each candidate (Ledger.unheld); `candor recover
            -- --unheld` and `candor check` read every case, so a row deleted here hides a case
            -- from the console's count only, and the check names the difference.
            CREATE TABLE unheld_candidates(case_id INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE) STRICT;
            INSERT INTO unheld_candidates SELECT id FROM cases c WHERE NOT EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = c.id);
            CREATE TRIGGER cases_unheld_candidate AFTER INSERT ON cases
              BEGIN INSERT OR IGNORE INTO unheld_candidates VALUES (NEW.id); END;
            CREATE TRIGGER assignments_held AFTER INSERT ON assignments
              BEGIN DELETE FROM unheld_candidates WHERE case_id = NEW.case_id; END;
            CREATE TRIGGER assignments_unheld AFTER DELETE ON assignments
              WHEN NOT EXISTS (SELECT 1 FROM assignments WHERE case_id = OLD.case_id)
              BEGIN INSERT OR IGNORE INTO unheld_candidates SELECT id FROM cases WHERE id = OLD.case_id; END;

            -- The few cases on legal hold, in received order, for the inbox's filter.
            CREATE INDEX cases_legal_hold ON cases(received_day, id) WHERE legal_hold = 1;
            """)
        }
        m.register("0016-statistics-tallies") { db in
            // Issue 16: the statistics page's counts, kept by triggers (CaseTallies.swift).
            try db.execute(CaseTallies.migration)
        }
        return m
    }
}
