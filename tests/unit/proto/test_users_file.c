/*
 * test_users_file.c — the users file: parsing (comments, blanks, plaintext refused with a
 * message naming file and line, duplicates), the permission check, atomic updates that keep
 * other lines, and the passwd command reading from a pipe and from a terminal (a pty, with
 * echo off).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "proto/auth.h"
#include "unit.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char scram_a[] = "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7"
                              "BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=";
static const char md5_b[] = "md5132ecbcbfa11be529b63ea4c4e734056";

static char dir[64];

static void path_in_dir(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    CHECK(fd >= 0);
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    CHECK(chmod(path, mode) == 0);
}

static char *read_all(const char *path)
{
    char *data = NULL;
    size_t len;
    pg_error err = {0};
    if (!auth_read_file(path, 1 << 20, &data, &len, &err))
        pg_error_clear(&err);
    return data;
}

static void test_parse(void)
{
    char text[1024];
    snprintf(text, sizeof text,
             "# iris-pgwire users\n"
             "\n"
             "alice:%s\n"
             "   bob:%s   \r\n"
             "  # indented comment\n"
             "carol with space:%s",
             scram_a, md5_b, md5_b);
    users_file *f;
    pg_error err = {0};
    CHECK(users_file_parse(text, strlen(text), "users", &f, &err));
    CHECK_INT(users_file_count(f), 3);
    CHECK_STR(users_file_lookup(f, "alice"), scram_a);
    CHECK_STR(users_file_lookup(f, "bob"), md5_b);
    CHECK_STR(users_file_lookup(f, "carol with space"), md5_b);
    CHECK(users_file_lookup(f, "Alice") == NULL);
    CHECK(users_file_lookup(f, "") == NULL);
    users_file_free(f);

    CHECK(users_file_parse("", 0, "users", &f, &err));
    CHECK_INT(users_file_count(f), 0);
    users_file_free(f);
}

static void test_parse_errors(void)
{
    users_file *f = NULL;
    pg_error err = {0};
    const char *plain = "# x\nalice:hunter2\n";
    CHECK(!users_file_parse(plain, strlen(plain), "/etc/pgwire/users", &f, &err));
    CHECK(f == NULL);
    CHECK_STR(err.sqlstate, "F0000");
    CHECK_STR(err.message,
              "users file \"/etc/pgwire/users\" holds a plaintext password for user \"alice\"");
    CHECK_STR(err.context, "line 2 of configuration file \"/etc/pgwire/users\"");
    CHECK_STR(err.hint, "Set the password with \"iris-pgwire passwd --users-file "
                        "/etc/pgwire/users alice\".");
    pg_error_clear(&err);

    char dup[512];
    snprintf(dup, sizeof dup, "alice:%s\nalice:%s\n", scram_a, md5_b);
    CHECK(!users_file_parse(dup, strlen(dup), "u", &f, &err));
    CHECK_STR(err.message, "duplicate entry for user \"alice\" in users file \"u\"");
    CHECK_STR(err.context, "line 2 of configuration file \"u\"");
    pg_error_clear(&err);

    CHECK(!users_file_parse("alice\n", 6, "u", &f, &err));
    CHECK_STR(err.message, "invalid entry in users file \"u\"");
    CHECK_STR(err.detail, "Each line must be \"name:verifier\".");
    pg_error_clear(&err);
    CHECK(!users_file_parse(":md5132ecbcbfa11be529b63ea4c4e734056", 36, "u", &f, &err));
    CHECK_STR(err.message, "invalid entry in users file \"u\"");
    pg_error_clear(&err);
    CHECK(!users_file_parse("a:md5\0", 6, "u", &f, &err));
    CHECK_STR(err.message, "users file \"u\" contains a NUL byte");
    pg_error_clear(&err);
    /* A broken SCRAM secret counts as plaintext, as PostgreSQL's get_password_type says. */
    CHECK(!users_file_parse("a:SCRAM-SHA-256$4096:xx$yy:zz", 29, "u", &f, &err));
    CHECK_STR(err.message, "users file \"u\" holds a plaintext password for user \"a\"");
    pg_error_clear(&err);
}

static void test_load_permissions(void)
{
    char path[128];
    path_in_dir(path, sizeof path, "perm");
    char text[256];
    snprintf(text, sizeof text, "alice:%s\n", md5_b);
    write_file(path, text, 0644);
    users_file *f = NULL;
    pg_error err = {0};
    CHECK(!users_file_load(path, &f, &err));
    CHECK_STR(err.sqlstate, "F0000");
    char expect[256];
    snprintf(expect, sizeof expect, "users file \"%s\" has group or world access", path);
    CHECK_STR(err.message, expect);
    pg_error_clear(&err);
    CHECK(chmod(path, 0600) == 0);
    CHECK(users_file_load(path, &f, &err));
    CHECK_STR(users_file_lookup(f, "alice"), md5_b);
    users_file_free(f);
    path_in_dir(path, sizeof path, "missing");
    CHECK(!users_file_load(path, &f, &err));
    CHECK_STR(err.sqlstate, "58P01");
    pg_error_clear(&err);
}

static void test_set(void)
{
    char path[128];
    path_in_dir(path, sizeof path, "set");
    pg_error err = {0};
    unlink(path);
    CHECK(users_file_set(path, "alice", scram_a, &err));
    struct stat st;
    CHECK(stat(path, &st) == 0);
    CHECK_INT(st.st_mode & 0777, 0600);
    char *text = read_all(path);
    char expect[1024];
    snprintf(expect, sizeof expect, "alice:%s\n", scram_a);
    CHECK_STR(text, expect);
    free(text);

    /* Comments, other users and odd lines are kept; the user's old lines are replaced. */
    snprintf(expect, sizeof expect, "# header\nbob:%s\nalice:%s\n\n# tail", md5_b, scram_a);
    write_file(path, expect, 0600);
    CHECK(users_file_set(path, "alice", md5_b, &err));
    text = read_all(path);
    snprintf(expect, sizeof expect, "# header\nbob:%s\nalice:%s\n\n# tail\n", md5_b, md5_b);
    CHECK_STR(text, expect);
    free(text);
    CHECK(users_file_set(path, "carol", scram_a, &err));
    users_file *f;
    CHECK(users_file_load(path, &f, &err));
    CHECK_INT(users_file_count(f), 3);
    CHECK_STR(users_file_lookup(f, "alice"), md5_b);
    CHECK_STR(users_file_lookup(f, "carol"), scram_a);
    users_file_free(f);

    /* No temporary file is left behind. */
    char tmp[160];
    snprintf(tmp, sizeof tmp, "ls %s | grep -c tmp >/dev/null", dir);
    CHECK(system(tmp) != 0);

    CHECK(!users_file_set(path, "alice", "hunter2", &err));
    CHECK_STR(err.sqlstate, "22023");
    pg_error_clear(&err);
    static const char *const bad_names[] = {"", "a:b", "#a", " a", "a ", "a\nb"};
    for (size_t i = 0; i < ARRAY_LEN(bad_names); i++) {
        CHECK(!users_file_set(path, bad_names[i], md5_b, &err));
        CHECK_STR(err.sqlstate, "22023");
        pg_error_clear(&err);
    }
    char nodir[160];
    snprintf(nodir, sizeof nodir, "%s/no/such/dir/users", dir);
    CHECK(!users_file_set(nodir, "alice", md5_b, &err));
    CHECK_STR(err.sqlstate, "58P01");
    pg_error_clear(&err);
}

static void test_passwd_from_pipe(void)
{
    char path[128];
    path_in_dir(path, sizeof path, "passwd");
    unlink(path);
    int fds[2];
    CHECK(pipe(fds) == 0);
    CHECK(write(fds[1], "s3cret pw\r\n", 11) == 11);
    close(fds[1]);
    pg_error err = {0};
    users_passwd_args a = {.path = path, .user = "dave", .input_fd = fds[0]};
    CHECK(users_file_passwd(&a, &err));
    close(fds[0]);
    users_file *f;
    CHECK(users_file_load(path, &f, &err));
    const char *v = users_file_lookup(f, "dave");
    CHECK_INT(password_type_of(v), PASSWORD_TYPE_SCRAM_SHA_256);
    CHECK_INT(password_verify_plain("dave", v, "s3cret pw", NULL, &err), AUTH_OK);
    users_file_free(f);

    /* md5, and a last line without a newline. */
    CHECK(pipe(fds) == 0);
    CHECK(write(fds[1], "other", 5) == 5);
    close(fds[1]);
    a.encryption = PASSWORD_TYPE_MD5;
    CHECK(users_file_passwd(&a, &err));
    close(fds[0]);
    CHECK(users_file_load(path, &f, &err));
    v = users_file_lookup(f, "dave");
    CHECK_INT(password_type_of(v), PASSWORD_TYPE_MD5);
    CHECK_INT(password_verify_plain("dave", v, "other", NULL, &err), AUTH_OK);
    users_file_free(f);

    /* Empty input, an empty line. */
    CHECK(pipe(fds) == 0);
    close(fds[1]);
    CHECK(!users_file_passwd(&a, &err));
    CHECK_STR(err.message, "could not read password: end of input");
    pg_error_clear(&err);
    close(fds[0]);
    CHECK(pipe(fds) == 0);
    CHECK(write(fds[1], "\n", 1) == 1);
    close(fds[1]);
    CHECK(!users_file_passwd(&a, &err));
    CHECK_STR(err.message, "empty password");
    pg_error_clear(&err);
    close(fds[0]);
}

/* The person at the terminal: answers each prompt, records what the terminal showed. */
typedef struct typist {
    int master;
    const char *first, *second;
    char screen[512];
} typist;

static void wait_for(typist *t, const char *text)
{
    size_t n = strlen(t->screen);
    while (!strstr(t->screen, text) && n < sizeof t->screen - 1) {
        ssize_t r = read(t->master, t->screen + n, sizeof t->screen - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
        t->screen[n] = 0;
    }
}

static void *typist_main(void *arg)
{
    typist *t = arg;
    wait_for(t, "Enter new password for user \"erin\": ");
    ssize_t w = write(t->master, t->first, strlen(t->first));
    wait_for(t, "Enter it again: ");
    w = write(t->master, t->second, strlen(t->second));
    (void)w;
    return NULL;
}

static bool passwd_on_terminal(const char *path, const char *first, const char *second,
                               char *screen, size_t cap, pg_error *err)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    CHECK(slave >= 0);
    typist t = {.master = master, .first = first, .second = second};
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, typist_main, &t) == 0);
    users_passwd_args a = {.path = path, .user = "erin", .input_fd = slave};
    bool ok = users_file_passwd(&a, err);
    pthread_join(thread, NULL);
    snprintf(screen, cap, "%s", t.screen);
    close(slave);
    close(master);
    return ok;
}

static void test_passwd_on_terminal(void)
{
    char path[128], screen[512];
    path_in_dir(path, sizeof path, "tty");
    unlink(path);
    pg_error err = {0};
    CHECK(passwd_on_terminal(path, "tty pass\n", "tty pass\n", screen, sizeof screen, &err));
    CHECK(strstr(screen, "tty pass") == NULL);   /* echo was off */
    users_file *f;
    CHECK(users_file_load(path, &f, &err));
    CHECK_INT(password_verify_plain("erin", users_file_lookup(f, "erin"), "tty pass", NULL, &err),
              AUTH_OK);
    users_file_free(f);

    CHECK(!passwd_on_terminal(path, "one\n", "two\n", screen, sizeof screen, &err));
    CHECK_STR(err.message, "Passwords didn't match.");
    pg_error_clear(&err);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/pgwire-users-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    RUN(test_parse);
    RUN(test_parse_errors);
    RUN(test_load_permissions);
    RUN(test_set);
    RUN(test_passwd_from_pipe);
    RUN(test_passwd_on_terminal);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return UNIT_DONE();
}
