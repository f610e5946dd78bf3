/*
 * users_file.c — the `users_file` setting: who may log in and with which verifier, without a
 * database catalog.  One user per line, "name:verifier", where verifier is a SCRAM-SHA-256
 * secret or an md5 hash as PostgreSQL stores them in pg_authid.rolpassword; blank lines and
 * lines starting with '#' are ignored.  Leading and trailing blanks of a line are not part of
 * it; the name runs to the first ':' (so names cannot contain ':').
 *
 * Invariants: a plaintext password is never accepted (loading fails, naming the line); the
 * file must not be readable by others (its contents are password-equivalent for md5, and
 * allow offline guessing for SCRAM); updates replace the file atomically (temporary file in
 * the same directory, fsync, rename, fsync of the directory), mode 0600, other lines kept
 * byte for byte.  Concurrent `passwd` runs are not serialised: the last rename wins.
 */
#include "proto/auth.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define USERS_FILE_MAX (64u << 20)

struct users_file {
    arena mem;
    hashmap by_name;   /* user name -> verifier text (in mem) */
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* One line of the file, with surrounding blanks trimmed. */
typedef struct line_view {
    const char *start;
    size_t len;
} line_view;

static line_view trim(const char *p, size_t n)
{
    while (n && is_blank(*p)) {
        p++;
        n--;
    }
    while (n && is_blank(p[n - 1]))
        n--;
    return (line_view){p, n};
}

static bool is_comment_or_blank(line_view l)
{
    return l.len == 0 || l.start[0] == '#';
}

static void line_error(pg_error *err, const char *file_name, int line_no)
{
    pg_error_context(err, "line %d of configuration file \"%s\"", line_no, file_name);
}

/* Parse one non-comment line into the map. */
static bool parse_entry(users_file *f, line_view l, const char *file_name, int line_no,
                        pg_error *err)
{
    const char *colon = memchr(l.start, ':', l.len);
    if (!colon || colon == l.start) {
        pg_error_set(err, "F0000", "invalid entry in users file \"%s\"", file_name);
        pg_error_detail(err, "Each line must be \"name:verifier\".");
        line_error(err, file_name, line_no);
        return false;
    }
    char *name = arena_strndup(&f->mem, l.start, (size_t)(colon - l.start));
    char *verifier = arena_strndup(&f->mem, colon + 1, l.len - (size_t)(colon - l.start) - 1);
    if (!name || !verifier) {
        pg_error_oom(err);
        return false;
    }
    if (password_type_of(verifier) == PASSWORD_TYPE_PLAINTEXT) {
        pg_error_set(err, "F0000", "users file \"%s\" holds a plaintext password for user \"%s\"",
                     file_name, name);
        pg_error_detail(err, "Only SCRAM-SHA-256 secrets (SCRAM-SHA-256$<iterations>:<salt>$"
                             "<storedkey>:<serverkey>) and MD5 hashes (md5 followed by 32 hex "
                             "digits) are accepted.");
        pg_error_hint(err, "Set the password with \"iris-pgwire passwd --users-file %s %s\".",
                      file_name, name);
        line_error(err, file_name, line_no);
        return false;
    }
    if (hashmap_get(&f->by_name, name)) {
        pg_error_set(err, "F0000", "duplicate entry for user \"%s\" in users file \"%s\"", name,
                     file_name);
        line_error(err, file_name, line_no);
        return false;
    }
    if (!hashmap_put(&f->by_name, name, verifier)) {
        pg_error_oom(err);
        return false;
    }
    return true;
}

bool users_file_parse(const char *text, size_t len, const char *file_name, users_file **out,
                      pg_error *err)
{
    *out = NULL;
    if (memchr(text, 0, len)) {
        pg_error_set(err, "F0000", "users file \"%s\" contains a NUL byte", file_name);
        return false;
    }
    users_file *f = calloc(1, sizeof *f);
    if (!f) {
        pg_error_oom(err);
        return false;
    }
    arena_init(&f->mem);
    hashmap_init(&f->by_name);
    int line_no = 0;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        line_view l = trim(text + pos, n);
        line_no++;
        pos += n + (nl ? 1 : 0);
        if (!is_comment_or_blank(l) && !parse_entry(f, l, file_name, line_no, err)) {
            users_file_free(f);
            return false;
        }
    }
    *out = f;
    return true;
}

/* PostgreSQL's rule for private key files, applied to the users file. */
static bool check_permissions(const char *path, pg_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        int e = errno;
        pg_error_set(err, auth_sqlstate_for_errno(e), "could not access users file \"%s\": %s",
                     path, strerror(e));
        return false;
    }
    uid_t me = geteuid();
    if (st.st_uid != me && st.st_uid != 0) {
        pg_error_set(err, "F0000", "users file \"%s\" must be owned by the server's user or root",
                     path);
        return false;
    }
    if ((st.st_uid == me && (st.st_mode & (S_IRWXG | S_IRWXO))) ||
        (st.st_uid == 0 && (st.st_mode & (S_IWGRP | S_IXGRP | S_IRWXO)))) {
        pg_error_set(err, "F0000", "users file \"%s\" has group or world access", path);
        pg_error_detail(err, "File must have permissions u=rw (0600) or less if owned by the "
                             "server's user, or permissions u=rw,g=r (0640) or less if owned by "
                             "root.");
        return false;
    }
    return true;
}

bool users_file_load(const char *path, users_file **out, pg_error *err)
{
    *out = NULL;
    char *text;
    size_t len;
    if (!check_permissions(path, err) || !auth_read_file(path, USERS_FILE_MAX, &text, &len, err))
        return false;
    bool ok = users_file_parse(text, len, path, out, err);
    free(text);
    return ok;
}

const char *users_file_lookup(const users_file *f, const char *user)
{
    return f && user ? hashmap_get(&f->by_name, user) : NULL;
}

size_t users_file_count(const users_file *f)
{
    return f ? f->by_name.count : 0;
}

void users_file_free(users_file *f)
{
    if (!f)
        return;
    hashmap_free(&f->by_name);
    arena_free(&f->mem);
    free(f);
}

/* ---------------------------------------------------------------- updating */

static bool valid_user_name(const char *user, pg_error *err)
{
    size_t n = strlen(user);
    if (n == 0 || strpbrk(user, ":\n\r") || user[0] == '#' || is_blank(user[0]) ||
        is_blank(user[n - 1])) {
        pg_error_set(err, "22023", "user name \"%s\" cannot be stored in a users file", user);
        pg_error_detail(err, "Names must be non-empty, contain no ':' or line break, not start "
                             "with '#' and not start or end with a blank.");
        return false;
    }
    return true;
}

/* The existing text with `user`'s line replaced (or appended), into `out`. */
static void rewrite(const char *text, size_t len, const char *user, const char *verifier,
                    strbuf *out)
{
    size_t ulen = strlen(user);
    bool done = false;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        line_view l = trim(text + pos, n);
        bool mine = !is_comment_or_blank(l) && l.len > ulen && l.start[ulen] == ':' &&
                    memcmp(l.start, user, ulen) == 0;
        if (!mine) {
            strbuf_append(out, text + pos, n);
            strbuf_putc(out, '\n');
        } else if (!done) {
            strbuf_printf(out, "%s:%s\n", user, verifier);
            done = true;
        }
        pos += n + (nl ? 1 : 0);
    }
    if (!done)
        strbuf_printf(out, "%s:%s\n", user, verifier);
}

static bool write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static void fsync_directory_of(const char *path)
{
    char *copy = xstrdup(path);
    if (!copy)
        return;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(copy);
}

/* Write `data` to a temporary file next to `path`, then rename it over `path`. */
static bool replace_file(const char *path, const strbuf *data, pg_error *err)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp) {
        pg_error_oom(err);
        return false;
    }
    snprintf(tmp, n, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        pg_error_set(err, auth_sqlstate_for_errno(e), "could not create file \"%s\": %s", tmp,
                     strerror(e));
        free(tmp);
        return false;
    }
    const char *what = "write";
    bool ok = fchmod(fd, S_IRUSR | S_IWUSR) == 0 && write_all(fd, data->data, data->len) &&
              (what = "fsync", fsync(fd) == 0);
    int e = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        e = errno;
        what = "close";
    }
    if (ok && rename(tmp, path) != 0) {
        e = errno;
        pg_error_set(err, auth_sqlstate_for_errno(e), "could not rename file \"%s\" to \"%s\": %s",
                     tmp, path, strerror(e));
        unlink(tmp);
        free(tmp);
        return false;
    }
    if (!ok) {
        pg_error_set(err, auth_sqlstate_for_errno(e), "could not %s file \"%s\": %s", what, tmp,
                     strerror(e));
        unlink(tmp);
        free(tmp);
        return false;
    }
    free(tmp);
    fsync_directory_of(path);
    return true;
}

bool users_file_set(const char *path, const char *user, const char *verifier, pg_error *err)
{
    if (!valid_user_name(user, err))
        return false;
    if (password_type_of(verifier) == PASSWORD_TYPE_PLAINTEXT) {
        pg_error_set(err, "22023", "refusing to store a plaintext password in users file \"%s\"",
                     path);
        return false;
    }
    char *text = NULL;
    size_t len = 0;
    if (!auth_read_file(path, USERS_FILE_MAX, &text, &len, err)) {
        if (strcmp(err->sqlstate, "58P01") != 0)
            return false;
        pg_error_clear(err);   /* no file yet: start an empty one */
    }
    strbuf out;
    strbuf_init(&out);
    rewrite(text ? text : "", len, user, verifier, &out);
    free(text);
    bool ok = !out.failed;
    if (!ok)
        pg_error_oom(err);
    else
        ok = replace_file(path, &out, err);
    strbuf_free(&out);
    return ok;
}
