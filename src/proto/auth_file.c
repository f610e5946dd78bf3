/*
 * auth_file.c — reading the small configuration files of authentication (pg_hba.conf, the
 * users file) whole, with PostgreSQL's wording and SQLSTATEs for file errors.
 */
#include "proto/auth.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *auth_sqlstate_for_errno(int errnum)
{
    switch (errnum) {
    case ENOENT:
    case ENOTDIR:
        return "58P01";   /* undefined_file */
    case EACCES:
    case EPERM:
    case EROFS:
        return "42501";   /* insufficient_privilege */
    case ENOSPC:
        return "53100";   /* disk_full */
    case ENFILE:
    case EMFILE:
        return "53000";   /* insufficient_resources */
    case ENOMEM:
        return "53200";
    default:
        return "58030";   /* io_error */
    }
}

bool auth_read_file(const char *path, size_t max, char **data, size_t *len, pg_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        pg_error_set(err, auth_sqlstate_for_errno(e), "could not open file \"%s\": %s", path,
                     strerror(e));
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        pg_error_set(err, auth_sqlstate_for_errno(e), "could not stat file \"%s\": %s", path,
                     strerror(e));
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        pg_error_set(err, "F0000", "\"%s\" is not a regular file", path);
        return false;
    }
    if ((uint64_t)st.st_size > max) {
        close(fd);
        pg_error_set(err, "54000", "file \"%s\" is too large (over %zu bytes)", path, max);
        return false;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        pg_error_oom(err);
        return false;
    }
    /* The size may change under us: read to EOF, bounded by `max`. */
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > max) {
                free(buf);
                close(fd);
                pg_error_set(err, "54000", "file \"%s\" is too large (over %zu bytes)", path, max);
                return false;
            }
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                close(fd);
                pg_error_oom(err);
                return false;
            }
            buf = bigger;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            close(fd);
            pg_error_set(err, auth_sqlstate_for_errno(e), "could not read file \"%s\": %s", path,
                         strerror(e));
            return false;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = 0;
    *data = buf;
    *len = n;
    return true;
}
