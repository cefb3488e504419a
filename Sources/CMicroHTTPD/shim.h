#ifndef KALYPSO_CMICROHTTPD_SHIM_H
#define KALYPSO_CMICROHTTPD_SHIM_H
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/socket.h>
#include <microhttpd.h>

/* MHD_start_daemon and MHD_get_daemon_info are variadic and cannot be called from Swift.
   The daemon is started through one non-variadic wrapper that takes every option we use in a struct.
   The struct must outlive the daemon: it is the closure of the error-log trampoline below. */

/** A formatted MHD error message (without a trailing newline) for the application. */
typedef void (*kalypso_mhd_message_cb)(void *cls, const char *message);
/** MHD_OPTION_URI_LOG_CALLBACK: its result becomes the request's initial `*req_cls`. */
typedef void *(*kalypso_mhd_uri_cb)(void *cls, const char *uri, struct MHD_Connection *connection);

struct kalypso_mhd_settings {
    unsigned int flags;                    /* enum MHD_FLAG bits */
    const struct sockaddr *address;        /* MHD_OPTION_SOCK_ADDR (IPv4 or IPv6; set MHD_USE_IPv6 for v6) */
    unsigned int thread_pool_size;         /* MHD_OPTION_THREAD_POOL_SIZE (0 or 1: one polling thread) */
    unsigned int connection_limit;         /* MHD_OPTION_CONNECTION_LIMIT */
    unsigned int per_ip_connection_limit;  /* MHD_OPTION_PER_IP_CONNECTION_LIMIT (0: none) */
    unsigned int connection_timeout;       /* MHD_OPTION_CONNECTION_TIMEOUT, seconds (0: none) */
    size_t connection_memory_limit;        /* MHD_OPTION_CONNECTION_MEMORY_LIMIT, bytes */
    unsigned int listen_backlog;           /* MHD_OPTION_LISTEN_BACKLOG_SIZE */
    int strict_for_client;                 /* MHD_OPTION_STRICT_FOR_CLIENT (1 strict, 0 default, -1 lenient) */
    MHD_AccessHandlerCallback handler;
    void *handler_cls;
    MHD_RequestCompletedCallback completed;
    void *completed_cls;
    kalypso_mhd_uri_cb uri_log;
    void *uri_log_cls;
    kalypso_mhd_message_cb message;        /* receives MHD_USE_ERROR_LOG messages, already formatted */
    void *message_cls;
};

static inline void kalypso_mhd_log_trampoline(void *cls, const char *format, va_list ap) {
    const struct kalypso_mhd_settings *s = (const struct kalypso_mhd_settings *)cls;
    char buffer[1024];
    int n = vsnprintf(buffer, sizeof buffer, format, ap);
    if (n < 0) return;
    size_t len = (size_t)n < sizeof buffer ? (size_t)n : sizeof buffer - 1;
    while (len > 0 && (buffer[len - 1] == '\n' || buffer[len - 1] == '\r')) buffer[--len] = 0;
    if (s->message != NULL) s->message(s->message_cls, buffer);
}

/** Starts a daemon with every option in `s`; NULL on failure (the reason goes to `s->message`). */
static inline struct MHD_Daemon *kalypso_mhd_start(const struct kalypso_mhd_settings *s) {
    return MHD_start_daemon(s->flags, 0, NULL, NULL, s->handler, s->handler_cls,
        MHD_OPTION_EXTERNAL_LOGGER, kalypso_mhd_log_trampoline, (void *)s,
        MHD_OPTION_SOCK_ADDR, s->address,
        /* A pool size of 0 or 1 makes MHD log a warning: pass a harmless repeat of the connection limit instead. */
        s->thread_pool_size > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_CONNECTION_LIMIT,
        s->thread_pool_size > 1 ? s->thread_pool_size : s->connection_limit,
        MHD_OPTION_CONNECTION_LIMIT, s->connection_limit,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->per_ip_connection_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, s->connection_timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, s->connection_memory_limit,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, s->listen_backlog,
        MHD_OPTION_STRICT_FOR_CLIENT, s->strict_for_client,
        MHD_OPTION_NOTIFY_COMPLETED, s->completed, s->completed_cls,
        MHD_OPTION_URI_LOG_CALLBACK, s->uri_log, s->uri_log_cls,
        MHD_OPTION_END);
}

/** The bound port (useful after binding port 0); 0 if unknown. */
static inline uint16_t kalypso_mhd_bound_port(struct MHD_Daemon *d) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

/** The number of open connections; 0 if unknown. */
static inline unsigned int kalypso_mhd_current_connections(struct MHD_Daemon *d) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info == NULL ? 0 : info->num_connections;
}

/* Flag combinations (enum bit-ors import awkwardly). */
static inline unsigned int kalypso_mhd_flags(int use_ipv6, int use_turbo) {
    unsigned int f = MHD_USE_ERROR_LOG | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC;
#ifdef __linux__
    f |= MHD_USE_EPOLL;
#else
    f |= MHD_USE_AUTO;
#endif
    if (use_ipv6) f |= MHD_USE_IPv6;
    if (use_turbo) f |= MHD_USE_TURBO;
    return f;
}

/* Enum constants, named plainly (Swift imports MHD's closed enums with mangled case names). */
static inline enum MHD_ValueKind kalypso_mhd_header_kind(void) { return MHD_HEADER_KIND; }
static inline enum MHD_ValueKind kalypso_mhd_get_argument_kind(void) { return MHD_GET_ARGUMENT_KIND; }
static inline enum MHD_ResponseMemoryMode kalypso_mhd_respmem_must_copy(void) { return MHD_RESPMEM_MUST_COPY; }
static inline enum MHD_Result kalypso_mhd_yes(void) { return MHD_YES; }
static inline enum MHD_Result kalypso_mhd_no(void) { return MHD_NO; }
#endif
