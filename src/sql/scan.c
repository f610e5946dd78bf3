/*
 * scan.c — source text of parts of a statement, found with PostgreSQL's own scanner
 * (libpg_query's pg_query_scan): the text of a CHECK expression or a DEFAULT as written,
 * kept in the catalog so that it can be shown (pg_get_constraintdef, \d) and analysed again
 * (table rebuilds, INSERT defaults).  Quotes, comments, dollar quoting and nesting are the
 * scanner's business, never ours.
 */
#include "sql/pg_nodes.h"

#include <pg_query/pg_query.pb-c.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

typedef struct scan_tokens {
    PgQuery__ScanResult *result;
    PgQueryScanResult raw;
} scan_tokens;

static bool scan(const char *text, scan_tokens *out)
{
    out->raw = pg_query_scan(text);
    out->result = NULL;
    if (out->raw.error) {
        pg_query_free_scan_result(out->raw);
        return false;
    }
    out->result = pg_query__scan_result__unpack(NULL, out->raw.pbuf.len, (const uint8_t *)out->raw.pbuf.data);
    if (!out->result) {
        pg_query_free_scan_result(out->raw);
        return false;
    }
    return true;
}

static void scan_free(scan_tokens *t)
{
    if (t->result)
        pg_query__scan_result__free_unpacked(t->result, NULL);
    pg_query_free_scan_result(t->raw);
}

/* The text inside the first parenthesis that opens at or after `from`, up to its match. */
char *scan_parenthesized(const char *text, int from)
{
    scan_tokens t;
    if (!scan(text, &t))
        return NULL;
    char *out = NULL;
    int depth = 0, start = -1;
    for (size_t i = 0; i < t.result->n_tokens; i++) {
        PgQuery__ScanToken *tok = t.result->tokens[i];
        if (tok->start < from)
            continue;
        if (tok->token == PG_QUERY__TOKEN__ASCII_40) {
            if (depth++ == 0)
                start = tok->end;
        } else if (tok->token == PG_QUERY__TOKEN__ASCII_41 && depth > 0) {
            if (--depth == 0) {
                out = xstrndup(text + start, (size_t)(tok->start - start));
                break;
            }
        }
    }
    scan_free(&t);
    return out;
}

/* The text of an expression that starts at `from`: up to a top-level ',' or ')' or a
 * keyword that begins the next column constraint. */
char *scan_expression(const char *text, int from)
{
    scan_tokens t;
    if (!scan(text, &t))
        return NULL;
    /* A parse node's location is that of its first token after any opening parentheses
     * ("(1 + 2) * 3" is located at "1"): parentheses right before it may belong to it. */
    size_t first = 0;
    while (first < t.result->n_tokens && t.result->tokens[first]->start < from)
        first++;
    int depth = 0, leading = 0;
    /* Only after DEFAULT: elsewhere (GENERATED ALWAYS AS (...), index elements, CHECK (...))
     * the parenthesis before the expression is the statement's own. */
    size_t open = first;
    while (open > 0 && t.result->tokens[open - 1]->token == PG_QUERY__TOKEN__ASCII_40 && first - open < 32)
        open--;
    if (open < first && open > 0 && t.result->tokens[open - 1]->token == PG_QUERY__TOKEN__DEFAULT) {
        leading = (int)(first - open);
        first = open;
    }
    size_t closes[32];         /* where each leading parenthesis closes (outermost first) */
    for (int k = 0; k < leading; k++)
        closes[k] = SIZE_MAX;
    size_t last = SIZE_MAX;
    int count = 0;
    for (size_t i = first; i < t.result->n_tokens; i++) {
        PgQuery__ScanToken *tok = t.result->tokens[i];
        bool stop = false;
        switch (tok->token) {
        case PG_QUERY__TOKEN__ASCII_40:
        case PG_QUERY__TOKEN__ASCII_91:
            depth++;
            break;
        case PG_QUERY__TOKEN__ASCII_41:
        case PG_QUERY__TOKEN__ASCII_93:
            if (depth == 0)
                stop = true;
            else if (--depth < leading && tok->token == PG_QUERY__TOKEN__ASCII_41)
                closes[depth] = i;
            break;
        case PG_QUERY__TOKEN__ASCII_44:
        case PG_QUERY__TOKEN__ASCII_59:
            stop = depth == 0;
            break;
        case PG_QUERY__TOKEN__CONSTRAINT:
        case PG_QUERY__TOKEN__NOT:
        case PG_QUERY__TOKEN__PRIMARY:
        case PG_QUERY__TOKEN__UNIQUE:
        case PG_QUERY__TOKEN__CHECK:
        case PG_QUERY__TOKEN__REFERENCES:
        case PG_QUERY__TOKEN__COLLATE:
        case PG_QUERY__TOKEN__GENERATED:
        case PG_QUERY__TOKEN__DEFAULT:
        case PG_QUERY__TOKEN__DEFERRABLE:
        case PG_QUERY__TOKEN__INITIALLY:
        case PG_QUERY__TOKEN__STORED:
        case PG_QUERY__TOKEN__NULL_P:
            stop = depth == 0 && count > 0;
            break;
        case PG_QUERY__TOKEN__SQL_COMMENT:
        case PG_QUERY__TOKEN__C_COMMENT:
            continue;
        default:
            break;
        }
        if (stop)
            break;
        last = i;
        count++;
    }
    /* Leading parentheses that are still open where the expression ends belong to something
     * around it (a column list); those that close on its last token enclose all of it
     * (GENERATED ALWAYS AS (expr)): neither is part of the expression. */
    int skip = 0;
    while (skip < leading && depth > 0) {
        skip++;
        depth--;
    }
    int trailing = 0;
    for (int k = skip; k < leading && last != SIZE_MAX; k++) {
        if (closes[k] != last - (size_t)(k - skip))
            break;
        skip = k + 1;
        trailing++;
    }
    char *out = NULL;
    size_t from_tok = first + (size_t)skip;
    if (last != SIZE_MAX && last >= (size_t)trailing && from_tok <= last - (size_t)trailing) {
        size_t to_tok = last - (size_t)trailing;
        int start = t.result->tokens[from_tok]->start, end = t.result->tokens[to_tok]->end;
        if (end > start)
            out = xstrndup(text + start, (size_t)(end - start));
    }
    scan_free(&t);
    return out;
}

/* Where the query of CREATE VIEW ... AS <query> starts: after the first top-level AS. */
int scan_view_query_start(const char *text)
{
    scan_tokens t;
    if (!scan(text, &t))
        return -1;
    int depth = 0, pos = -1;
    for (size_t i = 0; i < t.result->n_tokens; i++) {
        PgQuery__ScanToken *tok = t.result->tokens[i];
        if (tok->token == PG_QUERY__TOKEN__ASCII_40)
            depth++;
        else if (tok->token == PG_QUERY__TOKEN__ASCII_41)
            depth--;
        else if (tok->token == PG_QUERY__TOKEN__AS && depth == 0) {
            pos = i + 1 < t.result->n_tokens ? t.result->tokens[i + 1]->start : -1;
            break;
        }
    }
    scan_free(&t);
    return pos;
}
