// Typed wrappers around libcurl's variadic calls, which Swift cannot call directly.
// Each wrapper passes exactly one argument of the type libcurl expects for that option.
#ifndef MINQING_CCURL_SHIM_H
#define MINQING_CCURL_SHIM_H

#include <curl/curl.h>

/// The signature shared by CURLOPT_WRITEFUNCTION, CURLOPT_HEADERFUNCTION and CURLOPT_READFUNCTION.
typedef size_t (*mq_data_callback)(char *buffer, size_t size, size_t count, void *userdata);

static inline CURLcode mq_global_init(void) { return curl_global_init(CURL_GLOBAL_ALL); }

static inline CURLcode mq_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode mq_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
/// libcurl copies strings (except CURLOPT_POSTFIELDS, which Swift code must not use).
static inline CURLcode mq_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode mq_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
/// The list must stay alive until the transfer is removed from its multi handle.
static inline CURLcode mq_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode mq_easy_setopt_data_callback(CURL *handle, CURLoption option, mq_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode mq_easy_getinfo_long(CURL *handle, CURLINFO info, long *out) {
    return curl_easy_getinfo(handle, info, out);
}
static inline CURLcode mq_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *out) {
    return curl_easy_getinfo(handle, info, out);
}

/// For CURLINFO_PRIVATE.
static inline CURLcode mq_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **out) {
    return curl_easy_getinfo(handle, info, out);
}

static inline CURLMcode mq_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

#endif
