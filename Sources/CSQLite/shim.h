#ifndef CANDOR_CSQLITE_SHIM_H
#define CANDOR_CSQLITE_SHIM_H
#include <sqlite3.h>

/* SQLITE_TRANSIENT is a cast macro Swift cannot import: SQLite copies the bound bytes. */
static inline sqlite3_destructor_type candor_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

/* sqlite3_db_config is variadic. Defensive mode forbids writes that corrupt the file
   (writable_schema, journal_mode=off tricks); trusted_schema off stops schema-borne SQL functions. */
static inline int candor_sqlite_harden(sqlite3 *db) {
    int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
    if (rc != SQLITE_OK) return rc;
    return sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)0);
}
/* Reads back the two flags candor_sqlite_harden sets (1 = on, 0 = off, -1 = error), so tests can
   prove a connection really is hardened; the getter form of sqlite3_db_config is variadic too. */
static inline int candor_sqlite_is_defensive(sqlite3 *db) {
    int on = -1;
    if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, -1, &on) != SQLITE_OK) return -1;
    return on;
}
static inline int candor_sqlite_trusts_schema(sqlite3 *db) {
    int on = -1;
    if (sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, -1, &on) != SQLITE_OK) return -1;
    return on;
}
#endif
