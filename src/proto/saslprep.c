/*
 * saslprep.c — SASLprep (RFC 4013, a profile of stringprep, RFC 3454) as PostgreSQL applies
 * it to passwords before SCRAM hashing, so that a verifier made by PostgreSQL and one made
 * here agree for every password.
 *
 * Steps (RFC 3454 §2): map (C.1.2 non-ASCII spaces to SPACE, B.1 to nothing), normalise with
 * NFKC, refuse prohibited output (C.1.2, C.2.1–C.9) and unassigned code points (A.1), check
 * the bidi rule (D.1/D.2).  PostgreSQL's deviations, kept on purpose: pure ASCII is returned
 * untouched (even control characters), an empty result is "prohibited", and callers use the
 * original bytes when the input is not UTF-8 or is prohibited (saslprep_password).
 *
 * Tables come from scripts/gen-saslprep-tables.py (saslprep_tables.h).  Invariant: every
 * buffer holds code points, sized from the input length times the longest decomposition.
 */
#include "proto/auth.h"

#include <stdlib.h>
#include <string.h>

typedef struct { uint32_t first, last; } saslprep_range;
typedef struct { uint32_t code; uint16_t offset; uint8_t len; } nfkd_entry;
typedef struct { uint32_t first, last; uint8_t ccc; } ccc_range;
typedef struct { uint32_t first, second, composite; } compose_pair;

#include "proto/saslprep_tables.h"

#define MAX_DECOMPOSITION 18   /* U+FDFA decomposes into 18 code points */

/* Hangul syllables (Unicode §3.12) are decomposed and composed arithmetically. */
enum {
    SBASE = 0xAC00, LBASE = 0x1100, VBASE = 0x1161, TBASE = 0x11A7,
    LCOUNT = 19, VCOUNT = 21, TCOUNT = 28, NCOUNT = VCOUNT * TCOUNT, SCOUNT = LCOUNT * NCOUNT,
};

static bool in_ranges(uint32_t c, const saslprep_range *r, size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c < r[mid].first)
            hi = mid;
        else if (c > r[mid].last)
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

#define IN_TABLE(c, table) in_ranges((c), (table), ARRAY_LEN(table))

/* ---------------------------------------------------------------- UTF-8 */

/* Decode strict UTF-8 (no overlongs, surrogates or values past U+10FFFF).  Returns the
 * number of code points, or -1 if invalid; `out` may be NULL to count only. */
static long utf8_decode(const unsigned char *s, size_t n, uint32_t *out)
{
    long count = 0;
    size_t i = 0;
    while (i < n) {
        unsigned char b = s[i];
        uint32_t c;
        size_t len;
        if (b < 0x80) {
            c = b;
            len = 1;
        } else if (b >= 0xC2 && b <= 0xDF) {
            c = b & 0x1F;
            len = 2;
        } else if (b >= 0xE0 && b <= 0xEF) {
            c = b & 0x0F;
            len = 3;
        } else if (b >= 0xF0 && b <= 0xF4) {
            c = b & 0x07;
            len = 4;
        } else {
            return -1;
        }
        if (len > n - i)
            return -1;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return -1;
            c = c << 6 | (s[i + k] & 0x3F);
        }
        if ((len == 3 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) ||
            (len == 4 && (c < 0x10000 || c > 0x10FFFF)))
            return -1;
        if (out)
            out[count] = c;
        count++;
        i += len;
    }
    return count;
}

static size_t utf8_encode(uint32_t c, unsigned char *p)
{
    if (c < 0x80) {
        p[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        p[0] = (unsigned char)(0xC0 | c >> 6);
        p[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        p[0] = (unsigned char)(0xE0 | c >> 12);
        p[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        p[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    }
    p[0] = (unsigned char)(0xF0 | c >> 18);
    p[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
    p[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    p[3] = (unsigned char)(0x80 | (c & 0x3F));
    return 4;
}

/* ---------------------------------------------------------------- NFKC */

static uint8_t combining_class(uint32_t c)
{
    size_t lo = 0, hi = ARRAY_LEN(ccc_ranges);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c < ccc_ranges[mid].first)
            hi = mid;
        else if (c > ccc_ranges[mid].last)
            lo = mid + 1;
        else
            return ccc_ranges[mid].ccc;
    }
    return 0;
}

static const nfkd_entry *find_decomposition(uint32_t c)
{
    size_t lo = 0, hi = ARRAY_LEN(nfkd_entries);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c < nfkd_entries[mid].code)
            hi = mid;
        else if (c > nfkd_entries[mid].code)
            lo = mid + 1;
        else
            return &nfkd_entries[mid];
    }
    return NULL;
}

/* Append the full compatibility decomposition of c; returns the new length. */
static size_t decompose(uint32_t c, uint32_t *out, size_t n)
{
    if (c >= SBASE && c < SBASE + SCOUNT) {
        uint32_t s = c - SBASE;
        out[n++] = LBASE + s / NCOUNT;
        out[n++] = VBASE + (s % NCOUNT) / TCOUNT;
        if (s % TCOUNT)
            out[n++] = TBASE + s % TCOUNT;
        return n;
    }
    const nfkd_entry *e = find_decomposition(c);
    if (!e) {
        out[n++] = c;
        return n;
    }
    memcpy(out + n, nfkd_data + e->offset, e->len * sizeof(uint32_t));
    return n + e->len;
}

/* Canonical ordering: stable sort of each run of non-starters by combining class. */
static void canonical_order(uint32_t *s, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint8_t cc = combining_class(s[i]);
        if (cc == 0)
            continue;
        size_t j = i;
        uint32_t c = s[i];
        while (j > 0) {
            uint8_t prev = combining_class(s[j - 1]);
            if (prev == 0 || prev <= cc)
                break;
            s[j] = s[j - 1];
            j--;
        }
        s[j] = c;
    }
}

/* The primary composite of (a, b), or 0. */
static uint32_t compose_pair_of(uint32_t a, uint32_t b)
{
    if (a >= LBASE && a < LBASE + LCOUNT && b >= VBASE && b < VBASE + VCOUNT)
        return SBASE + ((a - LBASE) * VCOUNT + (b - VBASE)) * TCOUNT;
    if (a >= SBASE && a < SBASE + SCOUNT && (a - SBASE) % TCOUNT == 0 && b > TBASE &&
        b < TBASE + TCOUNT)
        return a + (b - TBASE);
    size_t lo = 0, hi = ARRAY_LEN(compose_pairs);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const compose_pair *p = &compose_pairs[mid];
        if (a < p->first || (a == p->first && b < p->second))
            hi = mid;
        else if (a > p->first || b > p->second)
            lo = mid + 1;
        else
            return p->composite;
    }
    return 0;
}

/* Canonical composition (UAX #15): combine each character with the last starter unless a
 * character in between blocks it.  Returns the new length. */
static size_t canonical_compose(uint32_t *s, size_t n)
{
    if (n == 0)
        return 0;
    size_t starter = 0, out = 1;
    bool have_starter = combining_class(s[0]) == 0;
    int last_cc = have_starter ? 0 : 256;
    for (size_t i = 1; i < n; i++) {
        uint32_t c = s[i];
        int cc = combining_class(c);
        /* last_cc == 0 means the previous kept character is the starter itself. */
        if (have_starter && (last_cc < cc || last_cc == 0)) {
            uint32_t composite = compose_pair_of(s[starter], c);
            if (composite) {
                s[starter] = composite;
                continue;
            }
        }
        if (cc == 0) {
            starter = out;
            have_starter = true;
        }
        last_cc = cc;
        s[out++] = c;
    }
    return out;
}

/* ---------------------------------------------------------------- SASLprep */

static bool is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

/* Steps 3 and 4: prohibited output, unassigned code points, bidi rule. */
static bool output_allowed(const uint32_t *s, size_t n)
{
    bool rand_al = false;
    for (size_t i = 0; i < n; i++) {
        if (IN_TABLE(s[i], saslprep_prohibited) || IN_TABLE(s[i], saslprep_unassigned))
            return false;
        if (IN_TABLE(s[i], saslprep_randalcat))
            rand_al = true;
    }
    if (!rand_al)
        return true;
    for (size_t i = 0; i < n; i++)
        if (IN_TABLE(s[i], saslprep_lcat))
            return false;
    return IN_TABLE(s[0], saslprep_randalcat) && IN_TABLE(s[n - 1], saslprep_randalcat);
}

saslprep_result saslprep(const char *input, char **out)
{
    *out = NULL;
    size_t len = strlen(input);
    if (len > SASLPREP_MAX_INPUT)
        return SASLPREP_TOO_LONG;
    if (is_ascii(input)) {
        *out = xstrdup(input);
        return *out ? SASLPREP_SUCCESS : SASLPREP_OOM;
    }
    long count = utf8_decode((const unsigned char *)input, len, NULL);
    if (count < 0)
        return SASLPREP_INVALID_UTF8;

    /* Step 1 (map) and step 2's decomposition, into one buffer. */
    size_t cap = (size_t)count * MAX_DECOMPOSITION + 1;
    uint32_t *chars = malloc((size_t)count * sizeof(uint32_t));
    uint32_t *norm = malloc(cap * sizeof(uint32_t));
    saslprep_result rc = SASLPREP_OOM;
    if (!chars || !norm)
        goto done;
    (void)utf8_decode((const unsigned char *)input, len, chars);
    size_t n = 0;
    for (long i = 0; i < count; i++) {
        uint32_t c = chars[i];
        if (IN_TABLE(c, saslprep_non_ascii_space))
            n = decompose(0x20, norm, n);
        else if (!IN_TABLE(c, saslprep_mapped_to_nothing))
            n = decompose(c, norm, n);
    }
    rc = SASLPREP_PROHIBITED;
    if (n == 0)
        goto done;   /* an empty password is not allowed */
    canonical_order(norm, n);
    n = canonical_compose(norm, n);
    if (!output_allowed(norm, n))
        goto done;

    unsigned char *utf8 = malloc(n * 4 + 1);
    rc = SASLPREP_OOM;
    if (!utf8)
        goto done;
    size_t pos = 0;
    for (size_t i = 0; i < n; i++)
        pos += utf8_encode(norm[i], utf8 + pos);
    utf8[pos] = 0;
    *out = (char *)utf8;
    rc = SASLPREP_SUCCESS;
done:
    free(chars);
    free(norm);
    return rc;
}

char *saslprep_password(const char *password, pg_error *err)
{
    char *prepared = NULL;
    switch (saslprep(password, &prepared)) {
    case SASLPREP_SUCCESS:
        return prepared;
    case SASLPREP_TOO_LONG:
        pg_error_set(err, "54000", "password too long");
        return NULL;
    case SASLPREP_OOM:
        pg_error_oom(err);
        return NULL;
    case SASLPREP_INVALID_UTF8:
    case SASLPREP_PROHIBITED:
        break;
    }
    /* Not UTF-8 or prohibited: PostgreSQL hashes the bytes as they are. */
    char *copy = xstrdup(password);
    if (!copy)
        pg_error_oom(err);
    return copy;
}
