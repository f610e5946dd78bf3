/*
 * backend.c — what every engine shares: the database registry, the logins' handles on a
 * database (odbc_login = client), the statement cache of a connection and the dispatch to
 * the engine's operations.
 *
 * Invariants of a login's handle: it is in its database's `logins` map while sessions are
 * attached (login->sessions > 0, counted under logins_lock); the last detach takes it out
 * and frees it (idle connections closed, password wiped) only when none of its connections
 * is lent, which holds because a session returns its connection before it detaches.
 */
#include "backend/backend_internal.h"
#include "backend/sqlite_hnsw.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

static void wipe_free(char *secret)
{
    if (!secret)
        return;
    OPENSSL_cleanse(secret, strlen(secret));
    free(secret);
}

bool backend_create(const backend_config *cfg, backend **out, pg_error *err)
{
    backend *b = calloc(1, sizeof *b);
    if (!b) {
        pg_error_oom(err);
        return false;
    }
    b->cfg = *cfg;
    b->data_directory = xstrdup(cfg->data_directory);
    b->odbc_connection_string = xstrdup(cfg->odbc_connection_string);
    b->cfg.data_directory = b->data_directory;
    b->cfg.odbc_connection_string = b->odbc_connection_string;
    b->public_schema = xstrdup(cfg->public_schema ? cfg->public_schema : "");
    b->cfg.public_schema = b->public_schema;
    b->iris_vector_type = cfg->iris_vector_type ? xstrdup(cfg->iris_vector_type) : NULL;
    b->cfg.iris_vector_type = b->iris_vector_type;
    if ((cfg->data_directory && !b->data_directory) || (cfg->odbc_connection_string && !b->odbc_connection_string) ||
        !b->public_schema || (cfg->iris_vector_type && !b->iris_vector_type)) {
        backend_destroy(b);
        pg_error_oom(err);
        return false;
    }
    if (b->cfg.pool_size < 1)
        b->cfg.pool_size = 1;
    pthread_mutex_init(&b->lock, NULL);
    hashmap_init(&b->dbs);
    if (cfg->login == ENGINE_LOGIN_CLIENT && cfg->kind != BACKEND_ODBC) {
        backend_destroy(b);
        pg_error_set(err, "22023", "odbc_login = client needs backend = odbc");
        return false;
    }
    switch (cfg->kind) {
    case BACKEND_SQLITE:
        b->ops = &sqlite_backend_ops;
        break;
    case BACKEND_ODBC:
        b->ops = &odbc_backend_ops;
        break;
    }
    /* The engine creates its default databases (postgres) when asked to list them. */
    char **names = NULL;
    size_t n = 0;
    if (!b->ops->db_list(b, &names, &n, err)) {
        backend_destroy(b);
        return false;
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    *out = b;
    return true;
}

static void pool_close(engine_pool *p)
{
    for (int i = 0; i < p->idle_count; i++)
        engine_conn_close(p->idle[i]);
    free(p->idle);
    pthread_mutex_destroy(&p->lock);
}

static void login_free(engine_db *handle)
{
    pool_close(&handle->pool);
    engine_login *l = handle->login;
    wipe_free(l->password);
    pthread_mutex_destroy(&l->lock);
    free(l->user);
    free(l);
    free(handle);
}

static void db_free(engine_db *db)
{
    /* First: the vector indexes persist their last changes through an engine connection. */
    if (db->vector_state && db->vector_state_free)
        db->vector_state_free(db->vector_state);
    size_t cur = 0;
    void *v;
    while (hashmap_next(&db->logins, &cur, NULL, &v))
        login_free(v);
    hashmap_free(&db->logins);
    pthread_mutex_destroy(&db->logins_lock);
    pool_close(&db->pool);
    if (db->b->ops->db_close)
        db->b->ops->db_close(db);
    if (db->sql_state && db->sql_state_free)
        db->sql_state_free(db->sql_state);
    if (db->catalog_state && db->catalog_state_free)
        db->catalog_state_free(db->catalog_state);
    if (db->function_state && db->function_state_free)
        db->function_state_free(db->function_state);
    pthread_mutex_destroy(&db->state_lock);
    free(db->name);
    free(db);
}

void backend_destroy(backend *b)
{
    if (!b)
        return;
    size_t cur = 0;
    void *v;
    while (hashmap_next(&b->dbs, &cur, NULL, &v))
        db_free(v);
    hashmap_free(&b->dbs);
    if (b->ops && b->ops->backend_destroy)
        b->ops->backend_destroy(b);
    pthread_mutex_destroy(&b->lock);
    free(b->data_directory);
    free(b->odbc_connection_string);
    free(b->public_schema);
    free(b->iris_vector_type);
    free(b);
}

backend_kind backend_get_kind(const backend *b) { return b->cfg.kind; }
engine_login_mode backend_login_mode(const backend *b) { return b->cfg.login; }
sql_dialect backend_dialect(const backend *b) { return b->cfg.dialect; }
const char *backend_public_schema(const backend *b) { return b->public_schema ? b->public_schema : ""; }
int backend_iris_version(const backend *b) { return b->cfg.iris_version ? b->cfg.iris_version : 20251; }
const char *backend_iris_vector_type(const backend *b) { return b->iris_vector_type ? b->iris_vector_type : "FLOAT"; }

bool backend_open_db(backend *b, const char *dbname, engine_db **out, pg_error *err)
{
    pthread_mutex_lock(&b->lock);
    engine_db *db = hashmap_get(&b->dbs, dbname);
    if (db) {
        pthread_mutex_unlock(&b->lock);
        *out = db;
        return true;
    }
    if (!b->ops->db_exists(b, dbname)) {
        pthread_mutex_unlock(&b->lock);
        pg_error_set(err, "3D000", "database \"%s\" does not exist", dbname);
        return false;
    }
    db = calloc(1, sizeof *db);
    if (!db || !(db->name = strdup(dbname))) {
        free(db);
        pthread_mutex_unlock(&b->lock);
        pg_error_oom(err);
        return false;
    }
    db->b = b;
    db->base = db;
    pthread_mutex_init(&db->state_lock, NULL);
    pthread_mutex_init(&db->logins_lock, NULL);
    hashmap_init(&db->logins);
    atomic_init(&db->schema_version, 1);
    db->pool.db = db;
    db->pool.max = b->cfg.pool_size;
    pthread_mutex_init(&db->pool.lock, NULL);
    db->pool.idle = calloc((size_t)db->pool.max, sizeof *db->pool.idle);
    if (!db->pool.idle || !hashmap_put(&b->dbs, dbname, db)) {
        pthread_mutex_unlock(&b->lock);
        db_free(db);
        pg_error_oom(err);
        return false;
    }
    pthread_mutex_unlock(&b->lock);
    *out = db;
    return true;
}

bool backend_create_db(backend *b, const char *dbname, pg_error *err)
{
    pthread_mutex_lock(&b->lock);
    bool exists = b->ops->db_exists(b, dbname);
    bool ok = false;
    if (exists)
        pg_error_set(err, "42P04", "database \"%s\" already exists", dbname);
    else
        ok = b->ops->db_create(b, dbname, err);
    pthread_mutex_unlock(&b->lock);
    return ok;
}

bool backend_drop_db(backend *b, const char *dbname, bool if_exists, bool force, pg_error *err)
{
    UNUSED(force);
    pthread_mutex_lock(&b->lock);
    if (!b->ops->db_exists(b, dbname)) {
        pthread_mutex_unlock(&b->lock);
        if (if_exists)
            return true;
        pg_error_set(err, "3D000", "database \"%s\" does not exist", dbname);
        return false;
    }
    engine_db *db = hashmap_get(&b->dbs, dbname);
    if (db) {
        int others = atomic_load(&db->attached);
        pthread_mutex_lock(&db->pool.lock);
        int lent = db->pool.lent;
        pthread_mutex_unlock(&db->pool.lock);
        if (others > 0 || lent > 0) {
            pthread_mutex_unlock(&b->lock);
            pg_error_set(err, "55006", "database \"%s\" is being accessed by other users", dbname);
            pg_error_detail(err, "There %s %d other session%s using the database.",
                            others == 1 ? "is" : "are", others, others == 1 ? "" : "s");
            return false;
        }
        hashmap_remove(&b->dbs, dbname);
        db_free(db);
    }
    bool ok = b->ops->db_drop(b, dbname, err);
    pthread_mutex_unlock(&b->lock);
    return ok;
}

bool backend_list_dbs(backend *b, char ***names, size_t *count, pg_error *err)
{
    pthread_mutex_lock(&b->lock);
    bool ok = b->ops->db_list(b, names, count, err);
    pthread_mutex_unlock(&b->lock);
    return ok;
}

/* ---------------------------------------------------------------- logins */

/* A new handle of `base` for `user`: its own empty pool, no password yet. */
static engine_db *login_new(engine_db *base, const char *user)
{
    engine_db *h = calloc(1, sizeof *h);
    engine_login *l = calloc(1, sizeof *l);
    if (h)
        h->pool.idle = calloc((size_t)base->pool.max, sizeof *h->pool.idle);
    if (!h || !l || !h->pool.idle || !(l->user = strdup(user))) {
        if (h)
            free(h->pool.idle);
        free(h);
        free(l);
        return NULL;
    }
    pthread_mutex_init(&l->lock, NULL);
    h->b = base->b;
    h->base = base;
    h->login = l;
    h->pool.db = h;
    h->pool.max = base->pool.max;
    pthread_mutex_init(&h->pool.lock, NULL);
    return h;
}

static bool no_password_error(const char *user, pg_error *err)
{
    pg_error_set(err, "28000", "role \"%s\" needs a password to log in to the database engine", user);
    err->severity = PG_SEVERITY_FATAL;
    pg_error_detail(err, "odbc_login = client logs in to the engine as the client, with the password "
                         "given to the \"password\" authentication method; other methods never reveal it.");
    pg_error_hint(err, "Use the \"password\" method for this user in pg_hba.conf, on a hostssl line.");
    return false;
}

bool backend_open_db_as(backend *b, const char *dbname, const char *user, const char *password,
                        engine_db **out, pg_error *err)
{
    /* PostgreSQL refuses a role that may not log in before it looks for the database. */
    if (b->cfg.login == ENGINE_LOGIN_CLIENT && !password)
        return no_password_error(user, err);
    engine_db *base;
    if (!backend_open_db(b, dbname, &base, err))
        return false;
    if (b->cfg.login != ENGINE_LOGIN_CLIENT) {
        engine_db_attach(base);
        *out = base;
        return true;
    }
    char *copy = strdup(password);
    if (!copy) {
        pg_error_oom(err);
        return false;
    }
    pthread_mutex_lock(&base->logins_lock);
    engine_db *h = hashmap_get(&base->logins, user);
    if (!h && (h = login_new(base, user)) && !hashmap_put(&base->logins, user, h)) {
        login_free(h);
        h = NULL;
    }
    if (h)
        h->login->sessions++;
    pthread_mutex_unlock(&base->logins_lock);
    if (!h) {
        wipe_free(copy);
        pg_error_oom(err);
        return false;
    }
    /* The newest verified password: the one most likely to open new connections. */
    pthread_mutex_lock(&h->login->lock);
    char *old = h->login->password;
    h->login->password = copy;
    pthread_mutex_unlock(&h->login->lock);
    wipe_free(old);
    atomic_fetch_add(&base->attached, 1);
    *out = h;
    return true;
}

void engine_db_attach(engine_db *db)
{
    atomic_fetch_add(&db->base->attached, 1);
    if (db->login) {
        pthread_mutex_lock(&db->base->logins_lock);
        db->login->sessions++;
        pthread_mutex_unlock(&db->base->logins_lock);
    }
}

void engine_db_detach(engine_db *db)
{
    engine_db *base = db->base;
    atomic_fetch_sub(&base->attached, 1);
    if (!db->login)
        return;
    bool free_it = false;
    pthread_mutex_lock(&base->logins_lock);
    if (--db->login->sessions == 0) {
        pthread_mutex_lock(&db->pool.lock);
        bool busy = db->pool.lent > 0 || db->pool.wait_head;
        pthread_mutex_unlock(&db->pool.lock);
        if (!busy) {
            hashmap_remove(&base->logins, db->login->user);
            free_it = true;
        } else {
            /* Cannot happen (sessions return their connection first); keep the handle for
             * backend_destroy rather than free a pool in use, but drop the password. */
            pthread_mutex_lock(&db->login->lock);
            wipe_free(db->login->password);
            db->login->password = NULL;
            pthread_mutex_unlock(&db->login->lock);
        }
    }
    pthread_mutex_unlock(&base->logins_lock);
    if (free_it)
        login_free(db);   /* outside the lock: closing engine connections may take a while */
}

bool backend_check_login(backend *b, const char *user, const char *password, strbuf *log_reason, pg_error *err)
{
    if (!b->ops->check_login) {
        if (log_reason)
            strbuf_printf(log_reason, "The %s engine cannot check passwords.", b->ops->name);
        return false;
    }
    int limit = b->cfg.max_login_checks > 0 ? b->cfg.max_login_checks : 1;
    if (atomic_fetch_add(&b->login_checks, 1) >= limit) {
        atomic_fetch_sub(&b->login_checks, 1);
        /* Said before the password is judged: it tells nothing about it. */
        pg_error_set(err, "53300", "sorry, too many clients already");
        pg_error_detail(err, "%d logins are being checked by the database engine at this moment.", limit);
        return false;
    }
    bool ok = b->ops->check_login(b, user, password, log_reason);
    atomic_fetch_sub(&b->login_checks, 1);
    return ok;
}

/* ---------------------------------------------------------------- database state */

/* Everything but the pool is the database's own: a login's handle reads it through base. */
const char *engine_db_name(const engine_db *db) { return db->base->name; }
engine_pool *engine_db_pool(engine_db *db) { return &db->pool; }
uint64_t engine_db_schema_version(engine_db *db) { return atomic_load(&db->base->schema_version); }
void engine_db_bump_schema_version(engine_db *db) { atomic_fetch_add(&db->base->schema_version, 1); }
backend *engine_db_backend(engine_db *db) { return db->b; }

void *engine_db_function_state(engine_db *db, void *(*make)(void), void (*free_fn)(void *))
{
    pthread_mutex_lock(&db->state_lock);
    if (!db->function_state && make) {
        db->function_state = make();
        db->function_state_free = free_fn;
    }
    void *s = db->function_state;
    pthread_mutex_unlock(&db->state_lock);
    return s;
}

void *engine_db_sql_state(engine_db *db)
{
    db = db->base;
    pthread_mutex_lock(&db->state_lock);
    void *s = db->sql_state;
    pthread_mutex_unlock(&db->state_lock);
    return s;
}

void engine_db_set_sql_state(engine_db *db, void *state, void (*free_fn)(void *))
{
    db = db->base;
    pthread_mutex_lock(&db->state_lock);
    db->sql_state = state;
    db->sql_state_free = free_fn;
    pthread_mutex_unlock(&db->state_lock);
}

void *engine_db_catalog_state(engine_db *db)
{
    db = db->base;
    pthread_mutex_lock(&db->state_lock);
    void *s = db->catalog_state;
    pthread_mutex_unlock(&db->state_lock);
    return s;
}

void engine_db_set_catalog_state(engine_db *db, void *state, void (*free_fn)(void *))
{
    db = db->base;
    pthread_mutex_lock(&db->state_lock);
    db->catalog_state = state;
    db->catalog_state_free = free_fn;
    pthread_mutex_unlock(&db->state_lock);
}

/* ---------------------------------------------------------------- connections */

bool engine_conn_open(engine_db *db, engine_conn **out, pg_error *err)
{
    return engine_conn_open_pooled(db->base, out, err);
}

bool engine_conn_open_pooled(engine_db *db, engine_conn **out, pg_error *err)
{
    engine_conn *c = calloc(1, sizeof *c);
    if (!c) {
        pg_error_oom(err);
        return false;
    }
    c->db = db;
    c->ops = db->b->ops;
    c->ctx = &c->idle_ctx;
    hashmap_init(&c->stmt_cache);
    pthread_mutex_init(&c->interrupt_lock, NULL);
    if (!c->ops->conn_open(c, err)) {
        hashmap_free(&c->stmt_cache);
        pthread_mutex_destroy(&c->interrupt_lock);
        free(c);
        return false;
    }
    if (db->b->conn_open_hook && !db->b->conn_open_hook(c, err)) {
        engine_conn_close(c);
        return false;
    }
    *out = c;
    return true;
}

void *engine_conn_catalog_state(engine_conn *c) { return c->catalog_state; }

void engine_conn_set_catalog_state(engine_conn *c, void *state, void (*free_fn)(void *))
{
    c->catalog_state = state;
    c->catalog_state_free = free_fn;
}

void backend_set_conn_open_hook(backend *b, engine_conn_open_hook hook)
{
    b->conn_open_hook = hook;
}

static void stmt_free(engine_stmt *s)
{
    s->conn->ops->finalize(s);
    free(s->sql);
    free(s);
}

static void lru_unlink(engine_conn *c, engine_stmt *s)
{
    if (s->lru_prev)
        s->lru_prev->lru_next = s->lru_next;
    else
        c->lru_head = s->lru_next;
    if (s->lru_next)
        s->lru_next->lru_prev = s->lru_prev;
    else
        c->lru_tail = s->lru_prev;
    s->lru_prev = s->lru_next = NULL;
}

void engine_conn_close(engine_conn *c)
{
    if (!c)
        return;
    engine_stmt *s = c->lru_head;
    while (s) {
        engine_stmt *next = s->lru_next;
        stmt_free(s);
        s = next;
    }
    hashmap_free(&c->stmt_cache);
    pthread_mutex_lock(&c->interrupt_lock);
    c->ops->conn_close(c);
    c->native = NULL;
    pthread_mutex_unlock(&c->interrupt_lock);
    pthread_mutex_destroy(&c->interrupt_lock);
    if (c->catalog_state && c->catalog_state_free)
        c->catalog_state_free(c->catalog_state);
    free(c);
}

engine_db *engine_conn_db(engine_conn *c) { return c->db; }
void *engine_conn_native(engine_conn *c) { return c->native; }
bool engine_conn_is_broken(engine_conn *c) { return c->broken; }
engine_context *engine_conn_context(engine_conn *c) { return c->ctx; }

void engine_conn_set_context(engine_conn *c, engine_context *ctx)
{
    c->ctx = ctx ? ctx : &c->idle_ctx;
}

void engine_conn_interrupt(engine_conn *c, interrupt_reason why)
{
    pthread_mutex_lock(&c->interrupt_lock);
    atomic_store(&c->ctx->interrupt, (int)why);
    if (c->native)
        c->ops->conn_interrupt(c);
    pthread_mutex_unlock(&c->interrupt_lock);
}

bool engine_begin(engine_conn *c, txn_mode mode, pg_error *err) { return c->ops->begin(c, mode, err); }
bool engine_commit(engine_conn *c, pg_error *err) { return c->ops->commit(c, err); }
bool engine_rollback(engine_conn *c, pg_error *err) { return c->ops->rollback(c, err); }
bool engine_savepoint(engine_conn *c, const char *n, pg_error *err) { return c->ops->savepoint(c, n, err); }
bool engine_release_savepoint(engine_conn *c, const char *n, pg_error *err) { return c->ops->release_savepoint(c, n, err); }
bool engine_rollback_to_savepoint(engine_conn *c, const char *n, pg_error *err) { return c->ops->rollback_to_savepoint(c, n, err); }
bool engine_in_transaction(engine_conn *c) { return c->ops->in_transaction(c); }
bool engine_exec(engine_conn *c, const char *sql, pg_error *err) { return c->ops->exec(c, sql, err); }
int64_t engine_changes(engine_conn *c) { return c->ops->changes(c); }
int64_t engine_last_rowid(engine_conn *c) { return c->ops->last_rowid(c); }

/* ---------------------------------------------------------------- statements */

static void lru_push_front(engine_conn *c, engine_stmt *s)
{
    s->lru_prev = NULL;
    s->lru_next = c->lru_head;
    if (c->lru_head)
        c->lru_head->lru_prev = s;
    c->lru_head = s;
    if (!c->lru_tail)
        c->lru_tail = s;
}

/*
 * The cache keeps one statement per SQL text, in the map and the LRU list whether it is in
 * use or not (so taking and returning it is a lookup and a flag, no map update).  A second
 * portal running the same SQL while the cached one is busy gets a private statement,
 * finalized when released.
 */
bool engine_prepare(engine_conn *c, const char *sql, engine_stmt **out, pg_error *err)
{
    engine_stmt *cached = hashmap_get(&c->stmt_cache, sql);
    if (cached && !cached->in_use) {
        cached->in_use = true;
        *out = cached;
        return true;
    }
    engine_stmt *s = calloc(1, sizeof *s);
    if (!s || !(s->sql = strdup(sql))) {
        free(s);
        pg_error_oom(err);
        return false;
    }
    s->conn = c;
    if (!c->ops->prepare(s, err)) {
        free(s->sql);
        free(s);
        return false;
    }
    s->in_use = true;
    if (cached) {
        *out = s;   /* private: the cached one is busy */
        return true;
    }
    if (c->cached_count >= STMT_CACHE_MAX) {
        /* Evict the least recently used idle statement. */
        for (engine_stmt *v = c->lru_tail; v; v = v->lru_prev) {
            if (!v->in_use) {
                hashmap_remove(&c->stmt_cache, v->sql);
                lru_unlink(c, v);
                c->cached_count--;
                stmt_free(v);
                break;
            }
        }
    }
    if (hashmap_put(&c->stmt_cache, s->sql, s)) {
        s->cached = true;
        lru_push_front(c, s);
        c->cached_count++;
    }
    *out = s;
    return true;
}

void engine_stmt_release(engine_stmt *s)
{
    if (!s)
        return;
    engine_conn *c = s->conn;
    c->ops->reset(s, true);
    s->in_use = false;
    if (!s->cached) {
        stmt_free(s);
        return;
    }
    /* Most recently used to the front. */
    if (c->lru_head != s) {
        lru_unlink(c, s);
        lru_push_front(c, s);
    }
}

int engine_stmt_param_count(engine_stmt *s) { return s->conn->ops->param_count(s); }
bool engine_bind(engine_stmt *s, int index, const sql_value *v, pg_error *err) { return s->conn->ops->bind(s, index, v, err); }
bool engine_bind_borrowed(engine_stmt *s, int index, const sql_value *v, pg_oid type, int32_t typmod, pg_error *err)
{
    const backend_ops *ops = s->conn->ops;
    if (ops->bind_borrowed)
        return ops->bind_borrowed(s, index, v, err);
    return engine_bind_typed(s, index, v, type, typmod, err);
}
bool engine_bind_typed(engine_stmt *s, int index, const sql_value *v, pg_oid type, int32_t typmod, pg_error *err)
{
    if (s->conn->ops->bind_typed)
        return s->conn->ops->bind_typed(s, index, v, type, typmod, err);
    return s->conn->ops->bind(s, index, v, err);
}
void engine_stmt_expect_columns(engine_stmt *s, int n, const pg_oid *types, const int32_t *typmods)
{
    if (s->conn->ops->expect_columns)
        s->conn->ops->expect_columns(s, n, types, typmods);
}
engine_step_result engine_step(engine_stmt *s, pg_error *err) { return s->conn->ops->step(s, err); }
int engine_column_count(engine_stmt *s) { return s->conn->ops->column_count(s); }
const char *engine_column_name(engine_stmt *s, int col) { return s->conn->ops->column_name(s, col); }
void engine_column_value(engine_stmt *s, int col, sql_value *out) { s->conn->ops->column_value(s, col, out); }
void engine_stmt_reset(engine_stmt *s) { s->conn->ops->reset(s, false); }

/* ---------------------------------------------------------------- vector indexes */

int engine_vector_index_metric(engine_db *db, engine_conn *c, pg_oid oid)
{
    if (db->b->cfg.kind != BACKEND_SQLITE)
        return -1;
    return sqlite_hnsw_metric(db, c, oid);
}
