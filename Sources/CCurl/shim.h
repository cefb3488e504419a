#ifndef KALYPSO_CCURL_SHIM_H
#define KALYPSO_CCURL_SHIM_H
#include <curl/curl.h>

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
#endif
