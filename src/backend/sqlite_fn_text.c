/*
 * sqlite_fn_text.c — string functions with PostgreSQL's semantics on UTF-8 text (SQLite's
 * own lower()/upper() fold ASCII only; PostgreSQL folds every letter).
 */
#include "backend/sqlite_internal.h"

#include <stdlib.h>
#include <string.h>
#include <wctype.h>

/* Decode one UTF-8 character; returns its length (1 for invalid bytes, kept as they are). */
static int utf8_decode(const unsigned char *s, int n, wint_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (len == 1 || len > n) {
        *cp = c;
        return 1;
    }
    wint_t v = c & (0x3F >> (len - 1));
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = c;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return len;
}

static int utf8_encode(wint_t cp, unsigned char *out)
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* towupper/towlower follow the C.UTF-8 locale's Unicode tables, set once at startup
 * (setlocale in main); they are thread-safe readers of it. */
static void case_map(sqlite3_context *ctx, sqlite3_value *v, wint_t (*map)(wint_t))
{
    if (sqlite3_value_type(v) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const unsigned char *s = sqlite3_value_text(v);
    int n = sqlite3_value_bytes(v);
    unsigned char *out = sqlite3_malloc(n * 2 + 1);
    if (!out) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    int o = 0;
    for (int i = 0; i < n;) {
        wint_t cp;
        int len = utf8_decode(s + i, n - i, &cp);
        if (cp >= 0x80 || len == 1) {
            wint_t m = map(cp);
            if (len == 1 && cp >= 0x80) {
                out[o++] = s[i];
            } else {
                unsigned char enc[4];
                int elen = utf8_encode(m, enc);
                if (o + elen > n * 2) {
                    memcpy(out + o, s + i, (size_t)len);
                    o += len;
                } else {
                    memcpy(out + o, enc, (size_t)elen);
                    o += elen;
                }
            }
        } else {
            memcpy(out + o, s + i, (size_t)len);
            o += len;
        }
        i += len;
    }
    sqlite3_result_text(ctx, (const char *)out, o, sqlite3_free);
}

static void fn_lower(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    case_map(ctx, argv[0], towlower);
}

static void fn_upper(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    case_map(ctx, argv[0], towupper);
}

int sqlite_register_text(sqlite3 *db, engine_conn *c)
{
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
    int rc = sqlite3_create_function_v2(db, "pgw_lower", 1, flags, c, fn_lower, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "pgw_upper", 1, flags, c, fn_upper, NULL, NULL, NULL);
    return rc;
}
