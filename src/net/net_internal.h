/*
 * net_internal.h — what the files of the net layer share and nobody else sees.
 */
#ifndef PGWIRE_NET_INTERNAL_H
#define PGWIRE_NET_INTERNAL_H

#include "net/net.h"
#include "net/tls.h"

#include <pthread.h>
#include <stdatomic.h>

/* Scheduling state of a connection (see loop.c for the protocol). */
enum {
    CONN_IDLE = 0,      /* nobody runs it; it is armed in epoll or parked */
    CONN_RUNNING,       /* one thread is in on_ready */
    CONN_PENDING,       /* running, and woken again meanwhile: run once more */
    CONN_CLOSED,
};

/* Tags stored in epoll_event.data.ptr point to one of these as first member. */
typedef enum { EV_CONN, EV_LISTENER, EV_WAKE, EV_TIMER, EV_SIGNAL, EV_STOP } ev_kind;

typedef struct ev_tag {
    ev_kind kind;
} ev_tag;

typedef struct net_listener {
    ev_tag tag;
    int fd;
    net_listener_kind kind;
    char *path;        /* unix socket path, unlinked at close */
    char *lock_path;   /* its .lock file */
    struct net_listener *next;
} net_listener;

struct net_conn {
    ev_tag tag;
    net_loop *loop;
    int fd;
    net_listener_kind kind;
    _Atomic int sched;
    _Atomic int refs;
    void *session;
    strbuf in;
    strbuf out;
    size_t out_sent;     /* bytes of `out` already written */
    bool input_drained;  /* the last read of this run got less than it asked: see net.h */
    struct sockaddr_storage peer;
    struct sockaddr_storage local;
    char peer_host[64];
    int peer_port;
    int64_t accepted_at_us;
    tls_conn *tls;              /* NULL unless TLS is active */
    uint32_t tls_blocked_on;    /* epoll event TLS needs besides the handler's wish, or 0 */
    net_conn *ready_next;       /* link in the wake queue */
    net_conn *all_prev, *all_next;
    net_conn *zombie_next;      /* closed, waiting to be freed (see loop.c) */
    uint64_t death_epoch;
};

struct net_loop {
    int epfd;
    int wake_fd;         /* eventfd (semaphore mode) counting queued wakes */
    int timer_fd;
    int signal_fd;
    int stop_fd;         /* eventfd made readable to stop every worker */
    ev_tag wake_tag, timer_tag, signal_tag, stop_tag;
    net_handler handler;
    net_config cfg;
    net_listener *listeners;
    net_listener *closed_listeners;  /* freed at destroy: a worker may still hold an event */
    pthread_mutex_t lock;          /* guards the ready queue, the connection list, listeners */
    net_conn *ready_head, *ready_tail;
    net_conn *all_conns;
    _Atomic int conn_count;
    _Atomic bool stopping;
    tls_context *tls;              /* under `lock`: ref it before use; NULL = TLS off */
    pthread_t *threads;
    int nthreads;
    /* Reclamation of closed connections: an epoll event taken by a worker may point to a
     * connection another worker is closing, so memory is freed only once every worker has
     * entered epoll_wait again after the close (worker_epochs[i] = epoch at its last entry). */
    _Atomic uint64_t epoch;
    _Atomic uint64_t *worker_epochs;
    int nworkers;
    /* Admission of workers (loop.c): `admitted` of them take events, at most `active_limit`
     * unless all of those are busy with one event for a long time; busy_since[i] is the
     * monotonic µs when worker i took its current event, 0 when it has none. */
    pthread_mutex_t gate_lock;
    pthread_cond_t gate_cond;
    _Atomic int admitted;
    int active_limit;
    bool gate_sentinel;            /* one waiting worker looks every GATE_CHECK_NS; others sleep */
    _Atomic int64_t *busy_since;
    pthread_mutex_t zombie_lock;
    net_conn *zombies;
};

void net_conn_run(net_conn *c);
void net_accept_ready(net_loop *loop, net_listener *l);
void net_conn_free(net_conn *c);
/* Free closed connections no worker can still be looking at. */
void net_reclaim(net_loop *loop, bool all);
void net_conn_tls_close(net_conn *c);   /* close_notify (best effort) and free the TLS state */
void net_loop_tls_free(net_loop *loop);

#endif
