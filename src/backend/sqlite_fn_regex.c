/*
 * sqlite_fn_regex.c — PostgreSQL's regular expressions (~ ~* !~ !~*, regexp_replace,
 * regexp_match(es), regexp_split_to_*, regexp_like/count/substr, substring(... FROM ...),
 * SIMILAR TO) on PCRE2.
 *
 * PostgreSQL's advanced regular expressions (ARE) and PCRE2 agree on the syntax
 * applications use (classes, \d \s \w, bounds, non-greedy quantifiers, lookahead,
 * back-references); what differs is translated before compiling: \m \M \y \Y \Z, the
 * ***= and ***: prefixes, and the defaults ('.' matches newline, '$' only at the very end,
 * Unicode classes).  One known semantic difference stays: for alternations PostgreSQL
 * takes the longest match where PCRE takes the first alternative that matches
 * (docs/differences.md).
 *
 * A compiled pattern is cached on the statement through sqlite3_set_auxdata when the
 * pattern argument is constant, so a scan compiles it once.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "backend/sqlite_fn_util.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

typedef struct regex {
    pcre2_code *code;
    pcre2_match_data *md;
    char *key;           /* pattern '\0' flags, to check a cached entry */
    size_t keylen;
    bool global;
    int ngroups;
} regex;

static void regex_free(void *p)
{
    regex *r = p;
    if (!r)
        return;
    pcre2_match_data_free(r->md);
    pcre2_code_free(r->code);
    sqlite3_free(r->key);
    sqlite3_free(r);
}

/* ARE escapes PCRE2 spells differently, outside bracket expressions. */
static void translate_are(strbuf *out, const char *p, size_t n)
{
    bool in_bracket = false;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (in_bracket) {
            strbuf_putc(out, c);
            if (c == '[' && i + 1 < n && (p[i + 1] == ':' || p[i + 1] == '.' || p[i + 1] == '=')) {
                /* [:class:] inside a bracket: copy through its closing ":]" */
                char kind = p[i + 1];
                size_t j = i + 2;
                while (j + 1 < n && !(p[j] == kind && p[j + 1] == ']'))
                    j++;
                if (j + 1 < n) {
                    strbuf_append(out, p + i + 1, j + 2 - (i + 1));
                    i = j + 1;
                }
            } else if (c == '\\' && i + 1 < n) {
                strbuf_putc(out, p[++i]);
            } else if (c == ']') {
                in_bracket = false;
            }
            continue;
        }
        if (c == '[') {
            strbuf_putc(out, c);
            in_bracket = true;
            /* a ']' first (after an optional '^') is literal */
            if (i + 1 < n && p[i + 1] == '^') {
                strbuf_putc(out, '^');
                i++;
            }
            if (i + 1 < n && p[i + 1] == ']') {
                strbuf_puts(out, "\\]");
                i++;
            }
            continue;
        }
        if (c == '\\' && i + 1 < n) {
            char e = p[++i];
            switch (e) {
            case 'm': strbuf_puts(out, "\\b(?=\\w)"); break;
            case 'M': strbuf_puts(out, "\\b(?<=\\w)"); break;
            case 'y': strbuf_puts(out, "\\b"); break;
            case 'Y': strbuf_puts(out, "\\B"); break;
            case 'Z': strbuf_puts(out, "\\z"); break;
            default:
                strbuf_putc(out, '\\');
                strbuf_putc(out, e);
                break;
            }
            continue;
        }
        strbuf_putc(out, c);
    }
}

/* PostgreSQL's regex flags → PCRE2 options; 22023 for an unknown one. */
static bool parse_flags(sqlite3_context *ctx, const char *flags, size_t n, uint32_t *opts, bool *global, bool *literal)
{
    uint32_t o = PCRE2_UTF | PCRE2_UCP | PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY;
    for (size_t i = 0; i < n; i++) {
        switch (flags[i]) {
        case 'i': o |= PCRE2_CASELESS; break;
        case 'c': o &= ~(uint32_t)PCRE2_CASELESS; break;
        case 'g': *global = true; break;
        case 'n':
        case 'm': o = (o | PCRE2_MULTILINE) & ~(uint32_t)(PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY); break;
        case 'p': o &= ~(uint32_t)PCRE2_DOTALL; break;
        case 'w': o = (o | PCRE2_MULTILINE | PCRE2_DOTALL) & ~(uint32_t)PCRE2_DOLLAR_ENDONLY; break;
        case 's': o = (o | PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY) & ~(uint32_t)PCRE2_MULTILINE; break;
        case 'x': o |= PCRE2_EXTENDED; break;
        case 'q': *literal = true; break;
        case 't': case 'b': case 'e': break;
        default:
            sqlite_fn_error(ctx, "22023", "invalid regular expression option: \"%c\"", flags[i]);
            return false;
        }
    }
    *opts = o;
    return true;
}

/* The compiled pattern of argv[pat] with `flags`: the statement's cached one, or a fresh
 * one (*fresh) that the caller hands to release_regex when done. */
static regex *get_regex(sqlite3_context *ctx, sqlite3_value **argv, int pat, const char *flags, size_t nflags,
                        bool *fresh)
{
    *fresh = false;
    const char *p = (const char *)sqlite3_value_text(argv[pat]);
    size_t n = (size_t)sqlite3_value_bytes(argv[pat]);
    if (!p) {
        sqlite3_result_error_nomem(ctx);
        return NULL;
    }
    if (!flags)
        flags = "";
    regex *cached = sqlite3_get_auxdata(ctx, pat);
    if (cached && cached->keylen == n + 1 + nflags && memcmp(cached->key, p, n) == 0 &&
        memcmp(cached->key + n + 1, flags, nflags) == 0)
        return cached;
    uint32_t opts;
    bool global = false, literal = false;
    if (!parse_flags(ctx, flags, nflags, &opts, &global, &literal))
        return NULL;
    strbuf pattern;
    strbuf_init(&pattern);
    bool are_prefix = n >= 4 && memcmp(p, "***:", 4) == 0;
    if (n >= 4 && memcmp(p, "***=", 4) == 0) {
        literal = true;
        strbuf_append(&pattern, p + 4, n - 4);
    } else if (literal) {
        strbuf_append(&pattern, p, n);
    } else {
        translate_are(&pattern, are_prefix ? p + 4 : p, are_prefix ? n - 4 : n);
    }
    if (literal)
        opts |= PCRE2_LITERAL;
    if (pattern.failed) {
        strbuf_free(&pattern);
        sqlite3_result_error_nomem(ctx);
        return NULL;
    }
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)(pattern.data ? pattern.data : ""), pattern.len,
                                     opts | PCRE2_MATCH_INVALID_UTF, &errcode, &erroff, NULL);
    strbuf_free(&pattern);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof msg);
        sqlite_fn_error(ctx, "2201B", "invalid regular expression: %s", (const char *)msg);
        return NULL;
    }
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);   /* optional: falls back to the interpreter */
    regex *r = sqlite3_malloc(sizeof *r);
    char *key = sqlite3_malloc64(n + 1 + nflags + 1);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
    if (!r || !key || !md) {
        sqlite3_free(r);
        sqlite3_free(key);
        pcre2_match_data_free(md);
        pcre2_code_free(code);
        sqlite3_result_error_nomem(ctx);
        return NULL;
    }
    memcpy(key, p, n);
    key[n] = 0;
    memcpy(key + n + 1, flags, nflags);
    uint32_t groups = 0;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &groups);
    *r = (regex){code, md, key, n + 1 + nflags, global, (int)groups};
    *fresh = true;
    return r;
}

/* Offer a fresh pattern to the statement's cache: SQLite keeps it while the argument is
 * constant, or frees it at once.  `r` must not be used afterwards. */
static void release_regex(sqlite3_context *ctx, int pat, regex *r, bool fresh)
{
    if (fresh)
        sqlite3_set_auxdata(ctx, pat, r, regex_free);
}

/* ---------------------------------------------------------------- matching */

static int match_at(regex *r, const char *s, size_t n, size_t start, uint32_t opts)
{
    return pcre2_match(r->code, (PCRE2_SPTR)s, n, start, opts, r->md, NULL);
}

static bool match_error(sqlite3_context *ctx, int rc)
{
    if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH)
        return false;
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(rc, msg, sizeof msg);
    sqlite_fn_error(ctx, "2201B", "regular expression failed: %s", (const char *)msg);
    return true;
}

/* The length of one character at s+i (to step past an empty match). */
static size_t char_len(const char *s, size_t n, size_t i)
{
    if (i >= n)
        return 1;
    uint32_t cp;
    return (size_t)fnu_utf8_decode((const unsigned char *)s + i, (int)(n - i), &cp);
}

/* pgw_regex(s, pattern, caseless): the ~ / ~* operators. */
static void fn_regex(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    bool icase = argc > 2 && sqlite3_value_int(argv[2]);
    bool fresh;
    regex *r = get_regex(ctx, argv, 1, icase ? "i" : "", icase ? 1 : 0, &fresh);
    if (!r)
        return;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    int rc = match_at(r, s, (size_t)sqlite3_value_bytes(argv[0]), 0, 0);
    if (match_error(ctx, rc))
        goto done;
    sqlite3_result_int(ctx, rc >= 0);
done:
    release_regex(ctx, 1, r, fresh);
}

static void fn_regexp_like(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const char *flags = argc > 2 ? (const char *)sqlite3_value_text(argv[2]) : "";
    size_t nflags = argc > 2 ? (size_t)sqlite3_value_bytes(argv[2]) : 0;
    if (memchr(flags, 'g', nflags)) {
        sqlite_fn_error(ctx, "22023", "regexp_like() does not support the \"global\" option");
        return;
    }
    bool fresh;
    regex *r = get_regex(ctx, argv, 1, flags, nflags, &fresh);
    if (!r)
        return;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    int rc = match_at(r, s, (size_t)sqlite3_value_bytes(argv[0]), 0, 0);
    if (match_error(ctx, rc))
        goto done;
    sqlite3_result_int(ctx, rc >= 0);
done:
    release_regex(ctx, 1, r, fresh);
}

/* Replacement text: \1..\9 groups, \& the whole match, \\ a backslash. */
static void append_replacement(strbuf *out, const char *rep, size_t rn, const char *s, PCRE2_SIZE *ov, int ngroups)
{
    for (size_t i = 0; i < rn; i++) {
        if (rep[i] == '\\' && i + 1 < rn) {
            char c = rep[i + 1];
            if (c >= '1' && c <= '9') {
                int g = c - '0';
                if (g <= ngroups && ov[2 * g] != PCRE2_UNSET)
                    strbuf_append(out, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
                i++;
                continue;
            }
            if (c == '&') {
                strbuf_append(out, s + ov[0], ov[1] - ov[0]);
                i++;
                continue;
            }
            if (c == '\\') {
                strbuf_putc(out, '\\');
                i++;
                continue;
            }
        }
        strbuf_putc(out, rep[i]);
    }
}

/* pgw_regexp_replace(s, pattern, replacement, flags [, start [, n]]) */
static void fn_regexp_replace(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const char *flags = (const char *)sqlite3_value_text(argv[3]);
    bool fresh;
    regex *r = get_regex(ctx, argv, 1, flags, (size_t)sqlite3_value_bytes(argv[3]), &fresh);
    if (!r)
        return;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    size_t n = (size_t)sqlite3_value_bytes(argv[0]);
    const char *rep = (const char *)sqlite3_value_text(argv[2]);
    size_t rn = (size_t)sqlite3_value_bytes(argv[2]);
    int64_t start_char = argc > 4 ? sqlite3_value_int64(argv[4]) : 1;
    int64_t nth = argc > 5 ? sqlite3_value_int64(argv[5]) : (r->global ? 0 : 1);
    if (start_char <= 0) {
        sqlite_fn_error(ctx, "22023", "invalid value for parameter \"%s\": %lld", "start", (long long)start_char);
        goto done;
    }
    if (nth < 0) {
        sqlite_fn_error(ctx, "22023", "invalid value for parameter \"%s\": %lld", "n", (long long)nth);
        goto done;
    }
    size_t pos = (size_t)fnu_utf8_offset(s, (int)n, (int)(start_char - 1 > INT32_MAX ? INT32_MAX : start_char - 1));
    strbuf out;
    strbuf_init(&out);
    strbuf_append(&out, s, pos);
    size_t copied = pos;
    int64_t count = 0;
    while (pos <= n) {
        int rc = match_at(r, s, n, pos, 0);
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (match_error(ctx, rc)) {
            strbuf_free(&out);
            goto done;
        }
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
        count++;
        if (nth == 0 || count == nth) {
            strbuf_append(&out, s + copied, ov[0] - copied);
            append_replacement(&out, rep, rn, s, ov, r->ngroups);
            copied = ov[1];
            if (nth != 0)
                break;
        }
        pos = ov[1];
        if (ov[1] == ov[0])
            pos += char_len(s, n, pos);
    }
    if (copied < n)
        strbuf_append(&out, s + copied, n - copied);
    fnu_result_text(ctx, &out);
done:
    release_regex(ctx, 1, r, fresh);
}

/* The groups of the current match as a text[] storage value (the whole match if none). */
static void append_groups(strbuf *out, regex *r, const char *s)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
    strbuf_putc(out, '[');
    if (r->ngroups == 0) {
        jv_write_string(out, s + ov[0], ov[1] - ov[0]);
    } else {
        for (int g = 1; g <= r->ngroups; g++) {
            if (g > 1)
                strbuf_puts(out, ", ");
            if (ov[2 * g] == PCRE2_UNSET)
                strbuf_puts(out, "null");
            else
                jv_write_string(out, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
        }
    }
    strbuf_putc(out, ']');
}

static void fn_regexp_match(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const char *flags = argc > 2 ? (const char *)sqlite3_value_text(argv[2]) : "";
    size_t nflags = argc > 2 ? (size_t)sqlite3_value_bytes(argv[2]) : 0;
    if (memchr(flags, 'g', nflags)) {
        sqlite_fn_error(ctx, "22023", "regexp_match() does not support the \"global\" option");
        return;
    }
    bool fresh;
    regex *r = get_regex(ctx, argv, 1, flags, nflags, &fresh);
    if (!r)
        return;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    int rc = match_at(r, s, (size_t)sqlite3_value_bytes(argv[0]), 0, 0);
    if (rc == PCRE2_ERROR_NOMATCH) {
        sqlite3_result_null(ctx);
        goto done;
    }
    if (match_error(ctx, rc))
        goto done;
    strbuf out;
    strbuf_init(&out);
    append_groups(&out, r, s);
    fnu_result_text(ctx, &out);
done:
    release_regex(ctx, 1, r, fresh);
}

/* pgw_regexp_matches(s, pattern, flags): every match's groups, as a JSON array of text[]
 * values, for unnest (regexp_matches is set-returning). */
static void fn_regexp_matches(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const char *flags = argc > 2 ? (const char *)sqlite3_value_text(argv[2]) : "";
    bool fresh;
    regex *r = get_regex(ctx, argv, 1, flags, argc > 2 ? (size_t)sqlite3_value_bytes(argv[2]) : 0, &fresh);
    if (!r)
        return;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    size_t n = (size_t)sqlite3_value_bytes(argv[0]);
    strbuf out;
    strbuf_init(&out);
    strbuf_putc(&out, '[');
    size_t pos = 0;
    int count = 0;
    while (pos <= n) {
        int rc = match_at(r, s, n, pos, 0);
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (match_error(ctx, rc)) {
            strbuf_free(&out);
            goto done;
        }
        if (count++)
            strbuf_puts(&out, ", ");
        append_groups(&out, r, s);
        if (!r->global)
            break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
        pos = ov[1];
        if (ov[1] == ov[0])
            pos += char_len(s, n, pos);
    }
    strbuf_putc(&out, ']');
    fnu_result_text(ctx, &out);
done:
    release_regex(ctx, 1, r, fresh);
}

/* regexp_split_to_array(s, pattern [, flags]): PostgreSQL ignores empty matches at the
 * start, at the end and right after a previous match. */
static void fn_regexp_split(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const char *flags = argc > 2 ? (const char *)sqlite3_value_text(argv[2]) : "";
    size_t nflags = argc > 2 ? (size_t)sqlite3_value_bytes(argv[2]) : 0;
    if (memchr(flags, 'g', nflags)) {
        sqlite_fn_error(ctx, "22023", "regexp_split_to_array() does not support the \"global\" option");
        return;
    }
    bool fresh;
    regex *r = get_regex(ctx, argv, 1, flags, nflags, &fresh);
    if (!r)
        return;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    size_t n = (size_t)sqlite3_value_bytes(argv[0]);
    strbuf out;
    strbuf_init(&out);
    strbuf_putc(&out, '[');
    size_t search = 0, prev_end = 0, piece = 0;
    int count = 0;
    while (search <= n) {
        int rc = match_at(r, s, n, search, 0);
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (match_error(ctx, rc)) {
            strbuf_free(&out);
            goto done;
        }
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
        if (ov[0] < n && ov[1] > prev_end) {
            if (count++)
                strbuf_puts(&out, ", ");
            jv_write_string(&out, s + piece, ov[0] - piece);
            piece = ov[1];
        }
        prev_end = ov[1];
        search = ov[1];
        if (ov[1] == ov[0])
            search += char_len(s, n, search);
    }
    if (count++)
        strbuf_puts(&out, ", ");
    jv_write_string(&out, s + piece, n - piece);
    strbuf_putc(&out, ']');
    fnu_result_text(ctx, &out);
done:
    release_regex(ctx, 1, r, fresh);
}

/* regexp_count(s, pattern [, start [, flags]]) */
static void fn_regexp_count(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const char *flags = argc > 3 ? (const char *)sqlite3_value_text(argv[3]) : "";
    bool fresh;
    regex *r = get_regex(ctx, argv, 1, flags, argc > 3 ? (size_t)sqlite3_value_bytes(argv[3]) : 0, &fresh);
    if (!r)
        return;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    size_t n = (size_t)sqlite3_value_bytes(argv[0]);
    int64_t start = argc > 2 ? sqlite3_value_int64(argv[2]) : 1;
    if (start <= 0) {
        sqlite_fn_error(ctx, "22023", "invalid value for parameter \"%s\": %lld", "start", (long long)start);
        goto done;
    }
    size_t pos = (size_t)fnu_utf8_offset(s, (int)n, (int)(start - 1 > INT32_MAX ? INT32_MAX : start - 1));
    int64_t count = 0;
    while (pos <= n) {
        int rc = match_at(r, s, n, pos, 0);
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (match_error(ctx, rc))
            goto done;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
        count++;
        pos = ov[1];
        if (ov[1] == ov[0])
            pos += char_len(s, n, pos);
    }
    sqlite3_result_int64(ctx, count);
done:
    release_regex(ctx, 1, r, fresh);
}

/* regexp_substr(s, pattern [, start [, n [, flags [, subexpr]]]]): the n-th match (or its
 * group), NULL if there is none. */
static void fn_regexp_substr(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const char *flags = argc > 4 ? (const char *)sqlite3_value_text(argv[4]) : "";
    bool fresh;
    regex *r = get_regex(ctx, argv, 1, flags, argc > 4 ? (size_t)sqlite3_value_bytes(argv[4]) : 0, &fresh);
    if (!r)
        return;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    size_t n = (size_t)sqlite3_value_bytes(argv[0]);
    int64_t start = argc > 2 ? sqlite3_value_int64(argv[2]) : 1;
    int64_t nth = argc > 3 ? sqlite3_value_int64(argv[3]) : 1;
    int64_t group = argc > 5 ? sqlite3_value_int64(argv[5]) : 0;
    if (start <= 0 || nth <= 0 || group < 0) {
        const char *what = start <= 0 ? "start" : nth <= 0 ? "n" : "subexpr";
        sqlite_fn_error(ctx, "22023", "invalid value for parameter \"%s\": %lld", what,
                        (long long)(start <= 0 ? start : nth <= 0 ? nth : group));
        goto done;
    }
    size_t pos = (size_t)fnu_utf8_offset(s, (int)n, (int)(start - 1 > INT32_MAX ? INT32_MAX : start - 1));
    int64_t count = 0;
    while (pos <= n) {
        int rc = match_at(r, s, n, pos, 0);
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (match_error(ctx, rc))
            goto done;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
        if (++count == nth) {
            if (group > r->ngroups || ov[2 * group] == PCRE2_UNSET)
                sqlite3_result_null(ctx);
            else
                sqlite3_result_text64(ctx, s + ov[2 * group], ov[2 * group + 1] - ov[2 * group], SQLITE_TRANSIENT,
                                      SQLITE_UTF8);
            goto done;
        }
        pos = ov[1];
        if (ov[1] == ov[0])
            pos += char_len(s, n, pos);
    }
    sqlite3_result_null(ctx);
done:
    release_regex(ctx, 1, r, fresh);
}

/* substring(s FROM pattern): the first parenthesised group's match, else the whole match. */
static void fn_substring_regex(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    bool fresh;
    regex *r = get_regex(ctx, argv, 1, "", 0, &fresh);
    if (!r)
        return;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    int rc = match_at(r, s, (size_t)sqlite3_value_bytes(argv[0]), 0, 0);
    if (rc == PCRE2_ERROR_NOMATCH) {
        sqlite3_result_null(ctx);
        goto done;
    }
    if (match_error(ctx, rc))
        goto done;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
    int g = r->ngroups > 0 ? 1 : 0;
    if (ov[2 * g] == PCRE2_UNSET)
        sqlite3_result_null(ctx);
    else
        sqlite3_result_text64(ctx, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g], SQLITE_TRANSIENT, SQLITE_UTF8);
done:
    release_regex(ctx, 1, r, fresh);
}

/* ---------------------------------------------------------------- SIMILAR TO */

/* PostgreSQL's similar_to_escape: SQL's pattern language to an anchored regex.  With two
 * escape-double-quote separators (substring ... SIMILAR), the middle part is group 1 and
 * the first part matches as little as possible. */
static bool similar_to_regex(sqlite3_context *ctx, const char *p, size_t n, const char *esc, size_t escn, strbuf *out)
{
    uint32_t escape = '\\';
    if (esc) {
        if (escn == 0)
            escape = 0;
        else {
            int l = fnu_utf8_decode((const unsigned char *)esc, (int)escn, &escape);
            if ((size_t)l != escn) {
                sqlite_fn_error(ctx, "22025", "invalid escape string");
                return false;
            }
        }
    }
    strbuf_puts(out, "^(?:");
    int nquotes = 0;
    bool in_bracket = false;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        int l = fnu_utf8_decode((const unsigned char *)p + i, (int)(n - i), &c);
        if (escape && c == escape && !in_bracket) {
            if (i + (size_t)l >= n) {
                sqlite_fn_error(ctx, "2201B", "invalid regular expression: trailing escape");
                return false;
            }
            i += (size_t)l;
            uint32_t d;
            int dl = fnu_utf8_decode((const unsigned char *)p + i, (int)(n - i), &d);
            if (d == '"') {
                if (nquotes == 0)
                    strbuf_puts(out, "){1,1}?(");
                else if (nquotes == 1)
                    strbuf_puts(out, "){1,1}(?:");
                else {
                    sqlite_fn_error(ctx, "2201B", "SQL regular expression may not contain more than two escape-double-quote separators");
                    return false;
                }
                nquotes++;
            } else {
                strbuf_putc(out, '\\');
                strbuf_append(out, p + i, (size_t)dl);
            }
            i += (size_t)dl;
            continue;
        }
        if (in_bracket) {
            if (c == ']')
                in_bracket = false;
            strbuf_append(out, p + i, (size_t)l);
        } else if (c == '[') {
            in_bracket = true;
            strbuf_putc(out, '[');
        } else if (c == '%') {
            strbuf_puts(out, nquotes == 0 ? ".*?" : ".*");
        } else if (c == '_') {
            strbuf_putc(out, '.');
        } else if (c == '.' || c == '^' || c == '$' || c == '\\') {
            strbuf_putc(out, '\\');
            strbuf_putc(out, (char)c);
        } else {
            strbuf_append(out, p + i, (size_t)l);
        }
        i += (size_t)l;
    }
    strbuf_puts(out, ")$");
    return true;
}

static regex *similar_regex(sqlite3_context *ctx, sqlite3_value **argv, bool *fresh)
{
    *fresh = false;
    regex *cached = sqlite3_get_auxdata(ctx, 1);
    const char *p = (const char *)sqlite3_value_text(argv[1]);
    size_t n = (size_t)sqlite3_value_bytes(argv[1]);
    bool has_esc = sqlite3_value_type(argv[2]) != SQLITE_NULL;
    const char *esc = has_esc ? (const char *)sqlite3_value_text(argv[2]) : NULL;
    size_t escn = has_esc ? (size_t)sqlite3_value_bytes(argv[2]) : 0;
    if (cached && cached->keylen == n + 1 + escn + 1 && memcmp(cached->key, p, n) == 0 &&
        cached->key[n + 1] == (has_esc ? 'e' : 'd') && memcmp(cached->key + n + 2, esc ? esc : "", escn) == 0)
        return cached;
    strbuf re;
    strbuf_init(&re);
    if (!similar_to_regex(ctx, p, n, esc, escn, &re)) {
        strbuf_free(&re);
        return NULL;
    }
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)(re.data ? re.data : ""), re.len,
                                     PCRE2_UTF | PCRE2_UCP | PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY | PCRE2_MATCH_INVALID_UTF,
                                     &errcode, &erroff, NULL);
    strbuf_free(&re);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof msg);
        sqlite_fn_error(ctx, "2201B", "invalid regular expression: %s", (const char *)msg);
        return NULL;
    }
    regex *r = sqlite3_malloc(sizeof *r);
    char *key = sqlite3_malloc64(n + escn + 3);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
    if (!r || !key || !md) {
        sqlite3_free(r);
        sqlite3_free(key);
        pcre2_match_data_free(md);
        pcre2_code_free(code);
        sqlite3_result_error_nomem(ctx);
        return NULL;
    }
    memcpy(key, p, n);
    key[n] = 0;
    key[n + 1] = has_esc ? 'e' : 'd';
    memcpy(key + n + 2, esc ? esc : "", escn);
    uint32_t groups = 0;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &groups);
    *r = (regex){code, md, key, n + 1 + escn + 1, false, (int)groups};
    *fresh = true;
    return r;
}

/* pgw_similar(s, pattern, escape) */
static void fn_similar(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    bool fresh;
    regex *r = similar_regex(ctx, argv, &fresh);
    if (!r)
        return;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    int rc = match_at(r, s, (size_t)sqlite3_value_bytes(argv[0]), 0, 0);
    if (match_error(ctx, rc))
        goto done;
    sqlite3_result_int(ctx, rc >= 0);
done:
    release_regex(ctx, 1, r, fresh);
}

/* pgw_similar_substr(s, pattern, escape): substring(s SIMILAR pattern ESCAPE e). */
static void fn_similar_substr(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    bool fresh;
    regex *r = similar_regex(ctx, argv, &fresh);
    if (!r)
        return;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    int rc = match_at(r, s, (size_t)sqlite3_value_bytes(argv[0]), 0, 0);
    if (rc == PCRE2_ERROR_NOMATCH) {
        sqlite3_result_null(ctx);
        goto done;
    }
    if (match_error(ctx, rc))
        goto done;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
    int g = r->ngroups > 0 ? 1 : 0;
    if (ov[2 * g] == PCRE2_UNSET)
        sqlite3_result_null(ctx);
    else
        sqlite3_result_text64(ctx, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g], SQLITE_TRANSIENT, SQLITE_UTF8);
done:
    release_regex(ctx, 1, r, fresh);
}

/* ---------------------------------------------------------------- registration */

typedef struct regex_fn {
    const char *name;
    int nargs;
    void (*fn)(sqlite3_context *, int, sqlite3_value **);
} regex_fn;

static const regex_fn regex_functions[] = {
    {"pgw_regex", 3, fn_regex},
    {"pgw_regexp_like", 2, fn_regexp_like},
    {"pgw_regexp_like", 3, fn_regexp_like},
    {"pgw_regexp_replace", 4, fn_regexp_replace},
    {"pgw_regexp_replace", 5, fn_regexp_replace},
    {"pgw_regexp_replace", 6, fn_regexp_replace},
    {"pgw_regexp_match", 2, fn_regexp_match},
    {"pgw_regexp_match", 3, fn_regexp_match},
    {"pgw_regexp_matches", 2, fn_regexp_matches},
    {"pgw_regexp_matches", 3, fn_regexp_matches},
    {"pgw_regexp_split_to_array", 2, fn_regexp_split},
    {"pgw_regexp_split_to_array", 3, fn_regexp_split},
    {"pgw_regexp_count", 2, fn_regexp_count},
    {"pgw_regexp_count", 3, fn_regexp_count},
    {"pgw_regexp_count", 4, fn_regexp_count},
    {"pgw_regexp_substr", 2, fn_regexp_substr},
    {"pgw_regexp_substr", 3, fn_regexp_substr},
    {"pgw_regexp_substr", 4, fn_regexp_substr},
    {"pgw_regexp_substr", 5, fn_regexp_substr},
    {"pgw_regexp_substr", 6, fn_regexp_substr},
    {"pgw_substring_regex", 2, fn_substring_regex},
    {"pgw_similar", 3, fn_similar},
    {"pgw_similar_substr", 3, fn_similar_substr},
};

int sqlite_register_regex(sqlite3 *db, engine_conn *c)
{
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
    for (size_t i = 0; i < ARRAY_LEN(regex_functions); i++) {
        const regex_fn *f = &regex_functions[i];
        int rc = sqlite3_create_function_v2(db, f->name, f->nargs, flags, c, f->fn, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}
