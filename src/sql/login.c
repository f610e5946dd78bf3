/*
 * login.c — the engine as the authority for passwords (odbc_login = client): what the
 * protocol layer asks when a user that the users file does not know answers the `password`
 * method.  The SQL layer only passes the question on to the backend, so that proto never
 * calls an engine (DESIGN.md, "dependency arrows point one way").
 */
#include "sql/sql_internal.h"

bool sql_server_engine_checks_passwords(sql_server *srv)
{
    return backend_login_mode(srv->b) == ENGINE_LOGIN_CLIENT;
}

bool sql_server_engine_check_password(sql_server *srv, const char *user, const char *password,
                                      strbuf *log_reason, pg_error *err)
{
    return backend_check_login(srv->b, user, password, log_reason, err);
}
