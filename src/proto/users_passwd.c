/*
 * users_passwd.c — what `iris-pgwire passwd [--users-file F] USER` does: read a new password
 * (one line from standard input when it is a pipe or file, so that scripts can set passwords;
 * two prompts with echo off when it is a terminal), turn it into a verifier as
 * password_encryption says, and store it in the users file.
 *
 * Invariants: the terminal's settings are restored on every path; password bytes are wiped
 * before their memory is freed.
 */
#include "proto/auth.h"
#include "proto/proto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#define PASSWORD_LINE_MAX 4096

static void free_secret(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

/* Read one line (without its "\n" or "\r\n").  NULL with `err` set on error or EOF. */
static char *read_line(int fd, pg_error *err)
{
    char *buf = malloc(PASSWORD_LINE_MAX + 1);
    if (!buf) {
        pg_error_oom(err);
        return NULL;
    }
    size_t n = 0;
    bool newline = false;
    while (n < PASSWORD_LINE_MAX) {
        ssize_t r = read(fd, buf + n, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            OPENSSL_cleanse(buf, n);
            free(buf);
            pg_error_set(err, "58030", "could not read password: %s", strerror(e));
            return NULL;
        }
        if (r == 0 || buf[n] == '\n') {
            newline = r != 0;
            break;
        }
        n++;
    }
    if (n == PASSWORD_LINE_MAX && !newline) {
        OPENSSL_cleanse(buf, n);
        free(buf);
        pg_error_set(err, "54000", "password too long");
        return NULL;
    }
    if (n == 0 && !newline) {
        free(buf);
        pg_error_set(err, "22023", "could not read password: end of input");
        return NULL;
    }
    if (n && buf[n - 1] == '\r')
        n--;
    buf[n] = 0;
    return buf;
}

static void say(int fd, const char *text)
{
    ssize_t w = write(fd, text, strlen(text));
    (void)w;
}

/* Prompt on the terminal with echo off; the terminal is restored before returning. */
static char *prompt_twice(int fd, const char *user, pg_error *err)
{
    struct termios saved, quiet;
    if (tcgetattr(fd, &saved) != 0) {
        pg_error_set(err, "58030", "could not read terminal settings: %s", strerror(errno));
        return NULL;
    }
    quiet = saved;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    quiet.c_lflag |= ECHONL;
    if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
        pg_error_set(err, "58030", "could not turn off terminal echo: %s", strerror(errno));
        return NULL;
    }
    char prompt[256];
    snprintf(prompt, sizeof prompt, "Enter new password for user \"%s\": ", user);
    say(fd, prompt);
    char *first = read_line(fd, err);
    char *second = NULL;
    if (first) {
        say(fd, "Enter it again: ");
        second = read_line(fd, err);
    }
    (void)tcsetattr(fd, TCSAFLUSH, &saved);
    if (!first || !second) {
        free_secret(first);
        return NULL;
    }
    bool same = strcmp(first, second) == 0;
    free_secret(second);
    if (!same) {
        free_secret(first);
        pg_error_set(err, "22023", "Passwords didn't match.");
        return NULL;
    }
    return first;
}

char *auth_read_new_password(int fd, const char *user, pg_error *err)
{
    char *password = isatty(fd) ? prompt_twice(fd, user, err) : read_line(fd, err);
    if (password && password[0] == 0) {
        free(password);
        pg_error_set(err, "22023", "empty password");
        pg_error_detail(err, "An empty password would let nobody log in as \"%s\".", user);
        return NULL;
    }
    return password;
}

bool users_file_passwd(const users_passwd_args *args, pg_error *err)
{
    if (!args->path || !args->path[0]) {
        pg_error_set(err, "22023", "no users file given");
        pg_error_hint(err, "Use --users-file FILE or set users_file.");
        return false;
    }
    if (!args->user || !args->user[0]) {
        pg_error_set(err, "22023", "no user name given");
        return false;
    }
    char *password = auth_read_new_password(args->input_fd, args->user, err);
    if (!password)
        return false;
    /* Zero-initialised arguments mean password_encryption's default, scram-sha-256. */
    password_type kind = args->encryption == PASSWORD_TYPE_MD5 ? PASSWORD_TYPE_MD5
                                                               : PASSWORD_TYPE_SCRAM_SHA_256;
    char verifier[SCRAM_SECRET_TEXT_MAX];
    bool ok = password_encrypt(password, args->user, kind, args->iterations,
                               verifier, err) &&
              users_file_set(args->path, args->user, verifier, err);
    free_secret(password);
    return ok;
}

bool proto_passwd(const char *users_file, const char *user, const char *password_encryption,
                  int iterations, int input_fd, pg_error *err)
{
    users_passwd_args args = {
        .path = users_file,
        .user = user,
        .iterations = iterations,
        .input_fd = input_fd,
    };
    const char *enc = password_encryption && *password_encryption ? password_encryption
                                                                  : "scram-sha-256";
    if (!password_encryption_parse(enc, &args.encryption)) {
        pg_error_set(err, "22023", "invalid value for parameter \"password_encryption\": \"%s\"", enc);
        pg_error_hint(err, "Available values: md5, scram-sha-256.");
        return false;
    }
    return users_file_passwd(&args, err);
}
