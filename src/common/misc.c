/*
 * misc.c — clocks, the logger and small string helpers.
 */
#include "common/common.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

int64_t clock_monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t clock_realtime_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void logger_init(logger *l, int fd, log_level min_level)
{
    l->fd = fd;
    l->min_level = min_level;
    l->server_pid = (int)getpid();
}

static const char *level_name(log_level level)
{
    switch (level) {
    case LOG_LEVEL_DEBUG: return "DEBUG";
    case LOG_LEVEL_LOG: return "LOG";
    case LOG_LEVEL_WARNING: return "WARNING";
    case LOG_LEVEL_ERROR: return "ERROR";
    case LOG_LEVEL_FATAL: return "FATAL";
    }
    return "LOG";
}

static void log_vline(logger *l, const char *label, int session_pid, const char *fmt, va_list ap);

void log_line(logger *l, log_level level, int session_pid, const char *fmt, ...)
{
    if (!l || level < l->min_level || l->fd < 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    log_vline(l, level_name(level), session_pid, fmt, ap);
    va_end(ap);
}

void log_line_labeled(logger *l, log_level level, const char *label, int session_pid, const char *fmt, ...)
{
    if (!l || level < l->min_level || l->fd < 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    log_vline(l, label, session_pid, fmt, ap);
    va_end(ap);
}

static void log_vline(logger *l, const char *label, int session_pid, const char *fmt, va_list ap)
{
    char line[2048];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(line, sizeof line, "%Y-%m-%d %H:%M:%S", &tm);
    n += (size_t)snprintf(line + n, sizeof line - n, ".%03ld UTC [%d] %s:  ", ts.tv_nsec / 1000000,
                          session_pid ? session_pid : l->server_pid, label);
    int m = vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
    if (m < 0)
        m = 0;
    n += (size_t)m;
    if (n > sizeof line - 2)
        n = sizeof line - 2;
    line[n++] = '\n';
    /* One write per line keeps lines whole when threads log at once (O_APPEND or a pipe). */
    ssize_t w = write(l->fd, line, n);
    (void)w;
}

int ascii_strcasecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
        if (ca != cb || !ca)
            return ca - cb;
    }
}

bool ascii_streq_ci(const char *a, const char *b)
{
    return ascii_strcasecmp(a, b) == 0;
}

char *xstrdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

bool parse_int64(const char *s, int64_t *out)
{
    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s)
        return false;
    while (isspace((unsigned char)*end))
        end++;
    if (*end)
        return false;
    *out = v;
    return true;
}

/* PostgreSQL's boolean setting spellings: on/off, true/false, yes/no, 1/0 and prefixes. */
bool parse_bool_setting(const char *s, bool *out)
{
    static const struct { const char *word; bool value; size_t min_prefix; } words[] = {
        {"true", true, 1}, {"false", false, 1}, {"yes", true, 1}, {"no", false, 1},
        {"on", true, 2}, {"off", false, 2}, {"1", true, 1}, {"0", false, 1},
    };
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    while (n && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    if (!n)
        return false;
    for (size_t i = 0; i < ARRAY_LEN(words); i++) {
        if (n >= words[i].min_prefix && n <= strlen(words[i].word) &&
            strncasecmp(s, words[i].word, n) == 0) {
            *out = words[i].value;
            return true;
        }
    }
    return false;
}

bool utf8_verify(const char *p, size_t n, pg_error *err)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0;
    while (i < n) {
        /* ASCII runs eight bytes at a time: no byte with the high bit, no NUL. */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if ((w & UINT64_C(0x8080808080808080)) ||
                ((w - UINT64_C(0x0101010101010101)) & ~w & UINT64_C(0x8080808080808080)))
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned char c = s[i];
        if (c && c < 0x80) {
            i++;
            continue;
        }
        size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
        bool ok = c != 0 && len > 1 && i + len <= n;
        for (size_t k = 1; ok && k < len; k++)
            ok = (s[i + k] & 0xC0) == 0x80;
        if (ok) {
            uint32_t cp = c & (0x7F >> len);
            for (size_t k = 1; k < len; k++)
                cp = (cp << 6) | (s[i + k] & 0x3F);
            static const uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
            ok = cp >= min_cp[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
        }
        if (!ok) {
            /* As report_invalid_encoding: the bytes of the character its first byte
             * announces, as far as the string goes. */
            char bytes[40];
            size_t show = i + len > n ? n - i : len, b = 0;
            for (size_t k = 0; k < show; k++)
                b += (size_t)snprintf(bytes + b, sizeof bytes - b, "%s0x%02x", k ? " " : "", s[i + k]);
            pg_error_set(err, "22021", "invalid byte sequence for encoding \"UTF8\": %s", bytes);
            return false;
        }
        i += len;
    }
    return true;
}
