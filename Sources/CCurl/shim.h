#ifndef KALYPSO_CCURL_SHIM_H
#define KALYPSO_CCURL_SHIM_H
#include <curl/curl.h>
#include <sys/socket.h>

/* curl_easy_setopt / curl_easy_getinfo are variadic and cannot be called from Swift.
   One non-variadic wrapper per argument type. */
static inline CURLcode kalypso_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode kalypso_curl_setopt_ptr(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode kalypso_curl_setopt_str(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode kalypso_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode kalypso_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
typedef size_t (*kalypso_curl_write_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);
static inline CURLcode kalypso_curl_setopt_write_cb(CURL *h, CURLoption o, kalypso_curl_write_cb cb) { return curl_easy_setopt(h, o, cb); }
static inline CURLcode kalypso_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode kalypso_curl_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode kalypso_curl_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode kalypso_curl_getinfo_str(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline long kalypso_curl_global_default(void) { return CURL_GLOBAL_DEFAULT; }

/* Progress callback (cancellation): return non-zero to abort the transfer with CURLE_ABORTED_BY_CALLBACK. */
typedef int (*kalypso_curl_xferinfo_cb)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode kalypso_curl_setopt_xferinfo_cb(CURL *h, kalypso_curl_xferinfo_cb cb) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, cb); }

/* curl_share_setopt is variadic too. */
typedef void (*kalypso_curl_lock_cb)(CURL *handle, curl_lock_data data, curl_lock_access access, void *userptr);
typedef void (*kalypso_curl_unlock_cb)(CURL *handle, curl_lock_data data, void *userptr);
static inline CURLSHcode kalypso_curl_share_setopt_long(CURLSH *s, CURLSHoption o, long v) { return curl_share_setopt(s, o, v); }
static inline CURLSHcode kalypso_curl_share_setopt_ptr(CURLSH *s, CURLSHoption o, void *v) { return curl_share_setopt(s, o, v); }
static inline CURLSHcode kalypso_curl_share_setopt_lock_cb(CURLSH *s, kalypso_curl_lock_cb cb) { return curl_share_setopt(s, CURLSHOPT_LOCKFUNC, cb); }
static inline CURLSHcode kalypso_curl_share_setopt_unlock_cb(CURLSH *s, kalypso_curl_unlock_cb cb) { return curl_share_setopt(s, CURLSHOPT_UNLOCKFUNC, cb); }
/* Sockets libcurl opens are close-on-exec, so a process spawned meanwhile never inherits (and keeps open) a
   connection. libcurl's own socket() call does not set the flag. */
static inline curl_socket_t kalypso_curl_open_cloexec(void *clientp, curlsocktype purpose, struct curl_sockaddr *address) {
    (void)clientp; (void)purpose;
    return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}
static inline CURLcode kalypso_curl_setopt_cloexec_sockets(CURL *h) {
    return curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, kalypso_curl_open_cloexec);
}
/* curl_multi_setopt is variadic; CURLMsg's result sits in an anonymous union. */
static inline CURLMcode kalypso_curl_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
static inline CURLcode kalypso_curl_msg_result(const CURLMsg *msg) { return msg->data.result; }
/* CURL_ERROR_SIZE and CURL_LOCK_DATA_LAST as plain ints. */
static inline int kalypso_curl_error_size(void) { return CURL_ERROR_SIZE; }
static inline int kalypso_curl_lock_data_last(void) { return (int)CURL_LOCK_DATA_LAST; }
#endif
