#ifndef KALYPSO_CPOSTGRES_SHIM_H
#define KALYPSO_CPOSTGRES_SHIM_H
/* libpq from Debian's libpq-dev; the header lives in /usr/include/postgresql (pkg-config libpq adds it). */
#include <libpq-fe.h>

/* PG_DIAG_* are character-literal macros; expose them as functions so Swift sees plain ints. */
static inline int kalypso_pg_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }
static inline int kalypso_pg_diag_message_primary(void) { return PG_DIAG_MESSAGE_PRIMARY; }
static inline int kalypso_pg_diag_message_detail(void) { return PG_DIAG_MESSAGE_DETAIL; }
static inline int kalypso_pg_diag_message_hint(void) { return PG_DIAG_MESSAGE_HINT; }
static inline int kalypso_pg_diag_severity(void) { return PG_DIAG_SEVERITY_NONLOCALIZED; }
#endif
