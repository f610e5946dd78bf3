/*
 * conn.c — listeners, accept, and the byte I/O of one connection.
 *
 * Output back-pressure: the handler appends to `out` and calls net_conn_flush(); whatever the
 * socket does not take stays in `out` and the handler returns NET_WANT_WRITE, so a client
 * that stops reading stops the server producing rows for it (the bounded amount is the
 * handler's flush threshold, not the size of the result).
 */
#include "net/net_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Output buffers larger than this are released when they drain, so idle connections stay
 * small however large their last result was. */
#define KEEP_BUFFER_BYTES 65536

static bool add_listener(net_loop *loop, int fd, net_listener_kind kind, const char *path,
                         const char *lock_path, pg_error *err)
{
    net_listener *l = calloc(1, sizeof *l);
    if (!l) {
        close(fd);
        pg_error_oom(err);
        return false;
    }
    l->tag.kind = EV_LISTENER;
    l->fd = fd;
    l->kind = kind;
    l->path = path ? strdup(path) : NULL;
    l->lock_path = lock_path ? strdup(lock_path) : NULL;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.ptr = l};
    if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
        pg_error_set(err, "58000", "could not watch listening socket: %s", strerror(errno));
        close(fd);
        free(l->path);
        free(l->lock_path);
        free(l);
        return false;
    }
    pthread_mutex_lock(&loop->lock);
    l->next = loop->listeners;
    loop->listeners = l;
    pthread_mutex_unlock(&loop->lock);
    return true;
}

static bool listen_one_tcp(net_loop *loop, const char *host, int port, int backlog, pg_error *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *res = NULL;
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    const char *node = (strcmp(host, "*") == 0) ? NULL : host;
    int rc = getaddrinfo(node, portstr, &hints, &res);
    if (rc != 0) {
        pg_error_set(err, "58000", "could not translate host name \"%s\", service \"%s\" to address: %s",
                     host, portstr, gai_strerror(rc));
        return false;
    }
    int listening = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (ai->ai_family == AF_INET6)
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, backlog) < 0) {
            int e = errno;
            close(fd);
            if (!pg_error_is_set(err))
                pg_error_set(err, "58000", "could not bind %s socket for \"%s\" port %d: %s",
                             ai->ai_family == AF_INET6 ? "IPv6" : "IPv4", host, port, strerror(e));
            continue;
        }
        if (!add_listener(loop, fd, NET_LISTENER_TCP, NULL, NULL, err))
            break;
        listening++;
    }
    freeaddrinfo(res);
    if (listening)
        pg_error_clear(err);
    else if (!pg_error_is_set(err))
        pg_error_set(err, "58000", "could not listen on \"%s\" port %d", host, port);
    return listening > 0;
}

bool net_listen_tcp(net_loop *loop, const char *listen_addresses, int port, int backlog, pg_error *err)
{
    char *list = strdup(listen_addresses);
    if (!list) {
        pg_error_oom(err);
        return false;
    }
    bool ok = true;
    char *save = NULL;
    for (char *h = strtok_r(list, ", ", &save); h; h = strtok_r(NULL, ", ", &save)) {
        if (!listen_one_tcp(loop, h, port, backlog, err)) {
            ok = false;
            break;
        }
    }
    free(list);
    return ok;
}

bool net_listen_unix(net_loop *loop, const char *dir, int port, int backlog, pg_error *err)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    int n = snprintf(sun.sun_path, sizeof sun.sun_path, "%s/.s.PGSQL.%d", dir, port);
    if (n < 0 || (size_t)n >= sizeof sun.sun_path) {
        pg_error_set(err, "22023", "Unix-domain socket path \"%s/.s.PGSQL.%d\" is too long", dir, port);
        return false;
    }
    char lock_path[sizeof sun.sun_path + 8];
    snprintf(lock_path, sizeof lock_path, "%s.lock", sun.sun_path);
    /* A socket file left by a crashed server is removed only if nobody answers on it. */
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe >= 0) {
        if (connect(probe, (struct sockaddr *)&sun, sizeof sun) == 0) {
            close(probe);
            pg_error_set(err, "58000", "could not create lock file \"%s\": another server is listening", lock_path);
            pg_error_hint(err, "Is another postmaster (or iris-pgwire) running on port %d?", port);
            return false;
        }
        close(probe);
    }
    unlink(sun.sun_path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        pg_error_set(err, "58000", "could not create Unix-domain socket: %s", strerror(errno));
        return false;
    }
    if (bind(fd, (struct sockaddr *)&sun, sizeof sun) < 0 || listen(fd, backlog) < 0) {
        pg_error_set(err, "58000", "could not bind Unix-domain socket \"%s\": %s", sun.sun_path, strerror(errno));
        close(fd);
        return false;
    }
    chmod(sun.sun_path, 0777);
    FILE *lf = fopen(lock_path, "w");
    if (lf) {
        fprintf(lf, "%d\n", (int)getpid());
        fclose(lf);
    }
    return add_listener(loop, fd, NET_LISTENER_UNIX, sun.sun_path, lock_path, err);
}

void net_loop_close_listeners(net_loop *loop)
{
    pthread_mutex_lock(&loop->lock);
    net_listener *l = loop->listeners;
    loop->listeners = NULL;
    pthread_mutex_unlock(&loop->lock);
    while (l) {
        net_listener *next = l->next;
        epoll_ctl(loop->epfd, EPOLL_CTL_DEL, l->fd, NULL);
        close(l->fd);
        if (l->path)
            unlink(l->path);
        if (l->lock_path)
            unlink(l->lock_path);
        free(l->path);
        free(l->lock_path);
        l->path = l->lock_path = NULL;
        /* Another worker may have taken this listener's last event; it only reads l->fd,
         * which is now closed and gives EBADF.  The struct is freed when the loop is. */
        pthread_mutex_lock(&loop->lock);
        l->next = loop->closed_listeners;
        loop->closed_listeners = l;
        pthread_mutex_unlock(&loop->lock);
        l = next;
    }
}

static void describe_peer(net_conn *c)
{
    if (c->kind == NET_LISTENER_UNIX) {
        snprintf(c->peer_host, sizeof c->peer_host, "[local]");
        return;
    }
    if (c->peer.ss_family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&c->peer;
        inet_ntop(AF_INET, &a->sin_addr, c->peer_host, sizeof c->peer_host);
        c->peer_port = ntohs(a->sin_port);
    } else if (c->peer.ss_family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&c->peer;
        inet_ntop(AF_INET6, &a->sin6_addr, c->peer_host, sizeof c->peer_host);
        c->peer_port = ntohs(a->sin6_port);
    }
}

void net_accept_ready(net_loop *loop, net_listener *l)
{
    for (int batch = 0; batch < 64 && !atomic_load(&loop->stopping); batch++) {
        struct sockaddr_storage peer;
        socklen_t plen = sizeof peer;
        int fd = accept4(l->fd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0)
            break;
        net_conn *c = calloc(1, sizeof *c);
        if (!c) {
            close(fd);
            continue;
        }
        c->tag.kind = EV_CONN;
        c->loop = loop;
        c->fd = fd;
        c->kind = l->kind;
        c->peer = peer;
        socklen_t llen = sizeof c->local;
        getsockname(fd, (struct sockaddr *)&c->local, &llen);
        c->accepted_at_us = clock_monotonic_us();
        atomic_init(&c->refs, 1);
        atomic_init(&c->sched, CONN_RUNNING);
        strbuf_init(&c->in);
        strbuf_init(&c->out);
        describe_peer(c);
        if (l->kind == NET_LISTENER_TCP) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
        }
        atomic_fetch_add(&loop->conn_count, 1);
        pthread_mutex_lock(&loop->lock);
        c->all_next = loop->all_conns;
        if (loop->all_conns)
            loop->all_conns->all_prev = c;
        loop->all_conns = c;
        pthread_mutex_unlock(&loop->lock);
        c->session = loop->handler.on_accept(c, loop->handler.arg);
        /* Armed at once; the state is RUNNING until the CAS below, so an event or a wake that
         * arrives meanwhile turns into PENDING and is run here rather than lost. */
        struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT, .data.ptr = c};
        if (!c->session || epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
            atomic_store(&c->sched, CONN_CLOSED);
            if (c->session && loop->handler.on_close)
                loop->handler.on_close(c, c->session);
            pthread_mutex_lock(&loop->lock);
            if (c->all_prev)
                c->all_prev->all_next = c->all_next;
            else
                loop->all_conns = c->all_next;
            if (c->all_next)
                c->all_next->all_prev = c->all_prev;
            pthread_mutex_unlock(&loop->lock);
            atomic_fetch_sub(&loop->conn_count, 1);
            net_conn_unref(c);
            continue;
        }
        int expected = CONN_RUNNING;
        if (!atomic_compare_exchange_strong(&c->sched, &expected, CONN_IDLE)) {
            atomic_store(&c->sched, CONN_RUNNING);
            net_conn_run(c);
        }
    }
    if (!atomic_load(&loop->stopping)) {
        struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.ptr = l};
        epoll_ctl(loop->epfd, EPOLL_CTL_MOD, l->fd, &ev);
    }
}

void net_conn_free(net_conn *c)
{
    if (c->tls)
        tls_conn_free(c->tls);
    if (c->fd >= 0)
        close(c->fd);
    strbuf_free(&c->in);
    strbuf_free(&c->out);
    free(c);
}

void net_conn_ref(net_conn *c)
{
    atomic_fetch_add(&c->refs, 1);
}

/* The last reference gone: the connection waits in the zombie list until no worker can
 * hold a stale epoll event for it (net_reclaim). */
void net_conn_unref(net_conn *c)
{
    if (atomic_fetch_sub(&c->refs, 1) != 1)
        return;
    net_loop *loop = c->loop;
    c->death_epoch = atomic_fetch_add(&loop->epoch, 1) + 1;
    pthread_mutex_lock(&loop->zombie_lock);
    c->zombie_next = loop->zombies;
    loop->zombies = c;
    pthread_mutex_unlock(&loop->zombie_lock);
}

void net_reclaim(net_loop *loop, bool all)
{
    uint64_t oldest = UINT64_MAX;
    for (int i = 0; !all && i < loop->nworkers; i++) {
        uint64_t e = atomic_load(&loop->worker_epochs[i]);
        if (e < oldest)
            oldest = e;
    }
    pthread_mutex_lock(&loop->zombie_lock);
    net_conn **link = &loop->zombies;
    net_conn *dead = NULL;
    while (*link) {
        net_conn *c = *link;
        if (all || c->death_epoch < oldest) {
            *link = c->zombie_next;
            c->zombie_next = dead;
            dead = c;
        } else {
            link = &c->zombie_next;
        }
    }
    pthread_mutex_unlock(&loop->zombie_lock);
    while (dead) {
        net_conn *next = dead->zombie_next;
        net_conn_free(dead);
        dead = next;
    }
}

strbuf *net_conn_input(net_conn *c) { return &c->in; }
strbuf *net_conn_output(net_conn *c) { return &c->out; }
net_listener_kind net_conn_kind(const net_conn *c) { return c->kind; }
const char *net_conn_peer_host(const net_conn *c) { return c->peer_host; }
int net_conn_peer_port(const net_conn *c) { return c->peer_port; }
const struct sockaddr_storage *net_conn_peer_addr(const net_conn *c) { return &c->peer; }
const struct sockaddr_storage *net_conn_local_addr(const net_conn *c) { return &c->local; }
int net_conn_fd(const net_conn *c) { return c->fd; }
net_loop *net_conn_loop(const net_conn *c) { return c->loop; }
int64_t net_conn_accepted_at_us(const net_conn *c) { return c->accepted_at_us; }

/* Plain-socket or TLS transfer; defined in tls_glue.c. */
ssize_t net_conn_raw_recv(net_conn *c, void *buf, size_t len, bool *again);
ssize_t net_conn_raw_send(net_conn *c, const void *buf, size_t len, bool *again);

net_io net_conn_read(net_conn *c)
{
    size_t chunk = c->loop->cfg.read_chunk;
    if (!strbuf_reserve(&c->in, chunk))
        return NET_IO_ERROR;
    bool again = false;
    ssize_t n = net_conn_raw_recv(c, c->in.data + c->in.len, chunk, &again);
    if (n > 0) {
        c->in.len += (size_t)n;
        c->in.data[c->in.len] = 0;
        /* TLS may hold decrypted bytes back, so only a plain socket counts as drained. */
        c->input_drained = (size_t)n < chunk && !c->tls;
        return NET_IO_OK;
    }
    if (again)
        return NET_IO_AGAIN;
    return n == 0 ? NET_IO_EOF : NET_IO_ERROR;
}

bool net_conn_input_drained(const net_conn *c) { return c->input_drained; }

net_io net_conn_flush(net_conn *c)
{
    while (c->out_sent < c->out.len) {
        bool again = false;
        ssize_t n = net_conn_raw_send(c, c->out.data + c->out_sent, c->out.len - c->out_sent, &again);
        if (n > 0) {
            c->out_sent += (size_t)n;
            continue;
        }
        if (again) {
            /* Keep the unsent tail at the front so appends stay contiguous. */
            if (c->out_sent > 65536) {
                strbuf_consume(&c->out, c->out_sent);
                c->out_sent = 0;
            }
            return NET_IO_AGAIN;
        }
        return NET_IO_ERROR;
    }
    c->out_sent = 0;
    if (c->out.cap > KEEP_BUFFER_BYTES)
        strbuf_free(&c->out);
    else
        strbuf_reset(&c->out);
    if (c->in.len == 0 && c->in.cap > KEEP_BUFFER_BYTES * 2)
        strbuf_free(&c->in);
    return NET_IO_OK;
}

bool net_conn_wait_writable(net_conn *c, int timeout_ms)
{
    struct pollfd p = {.fd = c->fd, .events = POLLOUT};
    return poll(&p, 1, timeout_ms) > 0 && (p.revents & POLLOUT);
}
