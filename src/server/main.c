/*
 * main.c — the iris-pgwire command: run the server (default), or a subcommand (passwd).
 */
#include "server/server.h"

#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    /* A client that disappears must not kill the server with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    /* Character classes for case mapping (towupper) come from a UTF-8 locale; nothing else
     * depends on the locale (messages, numbers and dates are formatted by our own code). */
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        setlocale(LC_CTYPE, "");
    if (argc > 1 && strcmp(argv[1], "passwd") == 0)
        return server_passwd_command(argc - 2, argv + 2);
    server_config cfg;
    pg_error err = {0};
    bool exit_now = false;
    if (!server_config_load(&cfg, argc - 1, argv + 1, &exit_now, &err)) {
        fprintf(stderr, "iris-pgwire: %s\n", err.message ? err.message : "invalid configuration");
        if (err.hint)
            fprintf(stderr, "%s\n", err.hint);
        pg_error_clear(&err);
        server_config_free(&cfg);
        return 2;
    }
    if (exit_now) {
        server_config_free(&cfg);
        return 0;
    }
    int status = server_run(&cfg);
    server_config_free(&cfg);
    return status;
}
