/*
 * passwd.c — the `iris-pgwire passwd [--users-file FILE] [OPTION]... USER` subcommand: store
 * a user's password verifier (SCRAM-SHA-256 or MD5, as password_encryption says) in the
 * users file.  Without --users-file the server's own configuration names the file (the
 * users_file setting from the configuration file, PGWIRE_USERS_FILE or -c), so that the
 * command and the server agree.  The password is read from standard input when it is not a
 * terminal, so scripts can pipe it in; it is never echoed, logged or passed on argv.
 */
#include "server/server.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void passwd_usage(FILE *out)
{
    fprintf(out,
            "iris-pgwire passwd stores a user's password verifier in the users file.\n\n"
            "Usage:\n"
            "  iris-pgwire passwd [--users-file FILE] [OPTION]... USER\n\n"
            "Options:\n"
            "  --users-file FILE  users file to update (default: the users_file setting)\n"
            "  -D DATADIR, -c NAME=VALUE, --config=FILE\n"
            "                     read settings as the server does (users_file,\n"
            "                     password_encryption, scram_iterations)\n\n"
            "The password is read from standard input when it is not a terminal (one line),\n"
            "otherwise it is asked for twice with echo off.  Send the server SIGHUP to use it.\n");
}

int server_passwd_command(int argc, char **argv)
{
    const char *users_file = NULL, *user = NULL;
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0;
    if (!rest) {
        fprintf(stderr, "iris-pgwire passwd: out of memory\n");
        return 1;
    }
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-?") == 0) {
            passwd_usage(stdout);
            free(rest);
            return 0;
        }
        if (strcmp(a, "--users-file") == 0 || strcmp(a, "--users_file") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "iris-pgwire passwd: --users-file requires a value\n");
                free(rest);
                return 2;
            }
            users_file = argv[++i];
        } else if (strncmp(a, "--users-file=", 13) == 0 || strncmp(a, "--users_file=", 13) == 0) {
            users_file = a + 13;
        } else if (a[0] == '-' && a[1]) {
            rest[nrest++] = argv[i];
            /* Flags with a separate value (-D DIR, -c N=V, --config FILE). */
            if ((strcmp(a, "-D") == 0 || strcmp(a, "-c") == 0 || strcmp(a, "-p") == 0 ||
                 strcmp(a, "-h") == 0 || strcmp(a, "-k") == 0 || strcmp(a, "-N") == 0 ||
                 (strncmp(a, "--", 2) == 0 && !strchr(a, '='))) && i + 1 < argc)
                rest[nrest++] = argv[++i];
        } else if (!user) {
            user = a;
        } else {
            fprintf(stderr, "iris-pgwire passwd: too many arguments (\"%s\")\n", a);
            passwd_usage(stderr);
            free(rest);
            return 2;
        }
    }
    if (!user) {
        fprintf(stderr, "iris-pgwire passwd: no user name given\n");
        passwd_usage(stderr);
        free(rest);
        return 2;
    }
    server_config cfg;
    pg_error err = {0};
    bool exit_now = false;
    int status = 1;
    char *path = NULL;
    if (!server_config_load(&cfg, nrest, rest, &exit_now, &err))
        goto out;
    path = users_file ? strdup(users_file) : server_config_path(&cfg, cfg.users_file);
    if (!path) {
        pg_error_set(&err, "22023", "no users file given");
        pg_error_hint(&err, "Use --users-file FILE or set users_file.");
        goto out;
    }
    if (!proto_passwd(path, user, cfg.password_encryption, cfg.scram_iterations, STDIN_FILENO, &err))
        goto out;
    fprintf(stderr, "iris-pgwire passwd: stored the password verifier of user \"%s\" in \"%s\"\n",
            user, path);
    status = 0;
out:
    if (pg_error_is_set(&err)) {
        fprintf(stderr, "iris-pgwire passwd: %s\n", err.message);
        if (err.detail)
            fprintf(stderr, "DETAIL:  %s\n", err.detail);
        if (err.hint)
            fprintf(stderr, "HINT:  %s\n", err.hint);
        pg_error_clear(&err);
    }
    free(path);
    server_config_free(&cfg);
    free(rest);
    return status;
}
