// libcurl, for the Swift target CCurl.
//
// curl_easy_setopt and curl_easy_getinfo are variadic C functions, which Swift cannot
// call. The typed static inline wrappers below (one per argument kind) import cleanly.
#ifndef FLEETTICKETS_CCURL_SHIM_H
#define FLEETTICKETS_CCURL_SHIM_H

#include <curl/curl.h>

/// The signature shared by libcurl's write, read and header callbacks.
typedef size_t (*fleettickets_curl_data_callback)(char *buffer, size_t size, size_t count, void *userdata);

static inline CURLcode fleettickets_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode fleettickets_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/// libcurl copies string options (since 7.17), so the string need only live for the call.
static inline CURLcode fleettickets_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode fleettickets_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

/// The list must outlive the transfer (libcurl does not copy it).
static inline CURLcode fleettickets_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode fleettickets_curl_setopt_write_callback(CURL *handle, fleettickets_curl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}

static inline CURLcode fleettickets_curl_setopt_read_callback(CURL *handle, fleettickets_curl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, callback);
}

static inline CURLcode fleettickets_curl_setopt_header_callback(CURL *handle, fleettickets_curl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
}

/// The progress callback; returning non-zero aborts the transfer (CURLE_ABORTED_BY_CALLBACK).
/// Needs CURLOPT_NOPROGRESS set to 0.
static inline CURLcode fleettickets_curl_setopt_xferinfo_callback(CURL *handle, curl_xferinfo_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

static inline CURLcode fleettickets_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode fleettickets_curl_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode fleettickets_curl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// CURL_WRITEFUNC_PAUSE and CURL_READFUNC_ABORT are macros Swift does not import as size_t.
static inline size_t fleettickets_curl_writefunc_pause(void) { return CURL_WRITEFUNC_PAUSE; }
static inline size_t fleettickets_curl_readfunc_abort(void) { return CURL_READFUNC_ABORT; }

#endif
