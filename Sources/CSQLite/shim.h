#ifndef KALYPSO_CSQLITE_SHIM_H
#define KALYPSO_CSQLITE_SHIM_H
#include <sqlite3.h>

/* SQLITE_TRANSIENT is a cast macro that Swift cannot import. */
static inline sqlite3_destructor_type kalypso_sqlite_transient(void) { return SQLITE_TRANSIENT; }
static inline sqlite3_destructor_type kalypso_sqlite_static(void) { return SQLITE_STATIC; }
#endif
