/*
 * loop.c — the worker threads and the one epoll set they share.
 *
 * Each worker waits for ONE event at a time (maxevents = 1): an event taken is an event this
 * thread will handle, so a thread busy with a long statement never sits on other
 * connections' events.  Connections are armed EPOLLONESHOT; the thread that got the event
 * owns the connection until it re-arms it.
 *
 * Scheduling protocol for a connection (sched):
 *   wake: IDLE → RUNNING (caller runs it or queues it)   RUNNING → PENDING (owner re-runs)
 *   owner finishing: re-arm epoll first, then RUNNING → IDLE; if the CAS fails the state was
 *   PENDING, so run again.  Re-arming before releasing means an event that fires in between
 *   is seen either as PENDING by us or as IDLE by the thread that got it: never lost.
 *
 * Admission: only `active_limit` workers (by default two per CPU) wait on the epoll set at
 * once.  With more waiting than there are CPUs, every event arriving while a worker is busy
 * wakes another sleeping thread, and the CPUs spend their time switching between threads
 * (measured: 12 workers on 2 CPUs did 1.1 context switches per query against 0.28 with 2,
 * and 30 % fewer queries per second; docs/protocol.md).  The other workers wait at the gate,
 * and one is let in whenever every admitted worker has held its current event for longer
 * than GATE_LONG_EVENT_US, so that slow statements still never stall the other
 * connections for long.  A worker above the limit leaves again after its event.
 */
#include "net/net_internal.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define TICK_INTERVAL_MS 100
#define GATE_LONG_EVENT_US 20000     /* an admitted worker held this long counts as blocked */
#define GATE_CHECK_NS 20000000L      /* how often waiting workers look again */

static bool epoll_add(net_loop *loop, int fd, uint32_t events, void *tag, pg_error *err)
{
    struct epoll_event ev = {.events = events, .data.ptr = tag};
    if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
        pg_error_set(err, "58000", "could not add descriptor to epoll: %s", strerror(errno));
        return false;
    }
    return true;
}

bool net_loop_create(const net_config *cfg, const net_handler *handler, net_loop **out, pg_error *err)
{
    net_loop *loop = calloc(1, sizeof *loop);
    if (!loop) {
        pg_error_oom(err);
        return false;
    }
    loop->cfg = *cfg;
    if (loop->cfg.worker_threads < 2)
        loop->cfg.worker_threads = 2;
    if (loop->cfg.read_chunk < 4096)
        loop->cfg.read_chunk = 65536;
    loop->handler = *handler;
    pthread_mutex_init(&loop->lock, NULL);
    pthread_mutex_init(&loop->zombie_lock, NULL);
    atomic_init(&loop->epoch, 1);
    loop->nworkers = loop->cfg.worker_threads;
    loop->worker_epochs = calloc((size_t)loop->nworkers, sizeof *loop->worker_epochs);
    if (!loop->worker_epochs) {
        pg_error_oom(err);
        free(loop);
        return false;
    }
    for (int i = 0; i < loop->nworkers; i++)
        atomic_init(&loop->worker_epochs[i], UINT64_MAX);
    loop->busy_since = calloc((size_t)loop->nworkers, sizeof *loop->busy_since);
    if (!loop->busy_since) {
        pg_error_oom(err);
        free(loop->worker_epochs);
        free(loop);
        return false;
    }
    /* Default: two per CPU.  One per CPU switches least on an idle machine, but a machine
     * shared with other processes schedules threads, not servers: PostgreSQL's eight
     * backends outweighed two workers there (docs/protocol.md has both measurements). */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    loop->active_limit = loop->cfg.active_workers > 0 ? loop->cfg.active_workers : cpus > 1 ? 2 * (int)cpus : 2;
    if (loop->active_limit > loop->nworkers)
        loop->active_limit = loop->nworkers;
    atomic_init(&loop->admitted, 0);
    pthread_mutex_init(&loop->gate_lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&loop->gate_cond, &ca);
    pthread_condattr_destroy(&ca);
    loop->wake_tag.kind = EV_WAKE;
    loop->timer_tag.kind = EV_TIMER;
    loop->signal_tag.kind = EV_SIGNAL;
    loop->stop_tag.kind = EV_STOP;

    loop->epfd = epoll_create1(EPOLL_CLOEXEC);
    loop->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE);
    loop->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    loop->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGHUP);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    /* Blocked in every thread (threads inherit the mask): delivered only through signalfd. */
    pthread_sigmask(SIG_BLOCK, &mask, NULL);
    loop->signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (loop->epfd < 0 || loop->wake_fd < 0 || loop->stop_fd < 0 || loop->timer_fd < 0 ||
        loop->signal_fd < 0) {
        pg_error_set(err, "58000", "could not create event loop: %s", strerror(errno));
        net_loop_destroy(loop);
        return false;
    }
    struct itimerspec its = {
        .it_interval = {0, TICK_INTERVAL_MS * 1000000L},
        .it_value = {0, TICK_INTERVAL_MS * 1000000L},
    };
    timerfd_settime(loop->timer_fd, 0, &its, NULL);
    if (!epoll_add(loop, loop->wake_fd, EPOLLIN, &loop->wake_tag, err) ||
        !epoll_add(loop, loop->stop_fd, EPOLLIN, &loop->stop_tag, err) ||
        !epoll_add(loop, loop->timer_fd, EPOLLIN | EPOLLONESHOT, &loop->timer_tag, err) ||
        !epoll_add(loop, loop->signal_fd, EPOLLIN | EPOLLONESHOT, &loop->signal_tag, err)) {
        net_loop_destroy(loop);
        return false;
    }
    *out = loop;
    return true;
}

static void rearm(net_loop *loop, int fd, uint32_t events, void *tag)
{
    struct epoll_event ev = {.events = events | EPOLLONESHOT, .data.ptr = tag};
    epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev);
}

void net_conn_wake(net_conn *c)
{
    for (;;) {
        int s = atomic_load(&c->sched);
        if (s == CONN_CLOSED || s == CONN_PENDING)
            return;
        if (s == CONN_RUNNING) {
            if (atomic_compare_exchange_weak(&c->sched, &s, CONN_PENDING))
                return;
            continue;
        }
        if (atomic_compare_exchange_weak(&c->sched, &s, CONN_RUNNING))
            break;
    }
    /* We own it now; hand it to whichever worker takes the wake event. */
    net_loop *loop = c->loop;
    net_conn_ref(c);
    pthread_mutex_lock(&loop->lock);
    c->ready_next = NULL;
    if (loop->ready_tail)
        loop->ready_tail->ready_next = c;
    else
        loop->ready_head = c;
    loop->ready_tail = c;
    pthread_mutex_unlock(&loop->lock);
    uint64_t one = 1;
    ssize_t w = write(loop->wake_fd, &one, sizeof one);
    (void)w;
}

static void close_conn(net_conn *c)
{
    net_loop *loop = c->loop;
    atomic_store(&c->sched, CONN_CLOSED);
    epoll_ctl(loop->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    if (loop->handler.on_close)
        loop->handler.on_close(c, c->session);
    c->session = NULL;
    pthread_mutex_lock(&loop->lock);
    if (c->all_prev)
        c->all_prev->all_next = c->all_next;
    else
        loop->all_conns = c->all_next;
    if (c->all_next)
        c->all_next->all_prev = c->all_prev;
    pthread_mutex_unlock(&loop->lock);
    atomic_fetch_sub(&loop->conn_count, 1);
    net_conn_tls_close(c);
    shutdown(c->fd, SHUT_RDWR);
    net_conn_unref(c);   /* the loop's own reference */
}

/* Called by the thread that owns `c` (state RUNNING or PENDING). */
void net_conn_run(net_conn *c)
{
    net_loop *loop = c->loop;
    for (;;) {
        c->input_drained = false;
        net_next next = loop->handler.on_ready(c, c->session);
        if (next == NET_CLOSE) {
            close_conn(c);
            return;
        }
        /* TLS may be blocked on the other direction (tls_glue.c): wait for that too. */
        if (next == NET_WANT_READ)
            rearm(loop, c->fd, EPOLLIN | EPOLLRDHUP | c->tls_blocked_on, c);
        else if (next == NET_WANT_WRITE)
            rearm(loop, c->fd, EPOLLOUT | c->tls_blocked_on, c);
        int expected = CONN_RUNNING;
        if (atomic_compare_exchange_strong(&c->sched, &expected, CONN_IDLE))
            return;
        /* PENDING: someone woke us while we ran; run again. */
        atomic_store(&c->sched, CONN_RUNNING);
    }
}

static void run_woken(net_loop *loop)
{
    uint64_t v;
    if (read(loop->wake_fd, &v, sizeof v) != (ssize_t)sizeof v)
        return;   /* another worker took this wake */
    pthread_mutex_lock(&loop->lock);
    net_conn *c = loop->ready_head;
    if (c) {
        loop->ready_head = c->ready_next;
        if (!loop->ready_head)
            loop->ready_tail = NULL;
    }
    pthread_mutex_unlock(&loop->lock);
    if (!c)
        return;
    if (atomic_load(&c->sched) != CONN_CLOSED)
        net_conn_run(c);
    net_conn_unref(c);
}

static void handle_conn_event(net_conn *c)
{
    for (;;) {
        int s = atomic_load(&c->sched);
        if (s == CONN_CLOSED || s == CONN_PENDING)
            return;
        if (s == CONN_RUNNING) {
            if (atomic_compare_exchange_weak(&c->sched, &s, CONN_PENDING))
                return;
            continue;
        }
        if (atomic_compare_exchange_weak(&c->sched, &s, CONN_RUNNING))
            break;
    }
    net_conn_run(c);
}

static void handle_signal(net_loop *loop)
{
    struct signalfd_siginfo si;
    while (read(loop->signal_fd, &si, sizeof si) == (ssize_t)sizeof si) {
        if (loop->handler.on_signal)
            loop->handler.on_signal((int)si.ssi_signo, loop->handler.arg);
    }
    struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.ptr = &loop->signal_tag};
    epoll_ctl(loop->epfd, EPOLL_CTL_MOD, loop->signal_fd, &ev);
}

static void handle_timer(net_loop *loop)
{
    uint64_t expirations;
    ssize_t r = read(loop->timer_fd, &expirations, sizeof expirations);
    (void)r;
    net_reclaim(loop, false);
    if (loop->handler.on_tick)
        loop->handler.on_tick(loop->handler.arg);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.ptr = &loop->timer_tag};
    epoll_ctl(loop->epfd, EPOLL_CTL_MOD, loop->timer_fd, &ev);
}

typedef struct worker_arg {
    net_loop *loop;
    int index;
} worker_arg;

/* Every admitted worker is held by one event for longer than GATE_LONG_EVENT_US. */
static bool admitted_all_blocked(net_loop *loop)
{
    int64_t now = clock_monotonic_us();
    int blocked = 0;
    for (int i = 0; i < loop->nworkers; i++) {
        int64_t since = atomic_load(&loop->busy_since[i]);
        if (since && now - since > GATE_LONG_EVENT_US)
            blocked++;
    }
    return blocked >= atomic_load(&loop->admitted);
}

/* Wait until this worker may take events (false: the loop is stopping). */
static bool gate_enter(net_loop *loop)
{
    pthread_mutex_lock(&loop->gate_lock);
    for (;;) {
        if (atomic_load(&loop->stopping)) {
            pthread_mutex_unlock(&loop->gate_lock);
            return false;
        }
        int n = atomic_load(&loop->admitted);
        if (n < loop->active_limit || admitted_all_blocked(loop)) {
            atomic_store(&loop->admitted, n + 1);
            pthread_mutex_unlock(&loop->gate_lock);
            return true;
        }
        if (loop->gate_sentinel) {
            /* Another waiting worker watches for long events: sleep until signalled. */
            pthread_cond_wait(&loop->gate_cond, &loop->gate_lock);
            continue;
        }
        loop->gate_sentinel = true;
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += GATE_CHECK_NS;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&loop->gate_cond, &loop->gate_lock, &until);
        loop->gate_sentinel = false;
        /* Whoever is admitted next, someone else must take the watch. */
        pthread_cond_signal(&loop->gate_cond);
    }
}

static void gate_leave(net_loop *loop)
{
    pthread_mutex_lock(&loop->gate_lock);
    atomic_fetch_sub(&loop->admitted, 1);
    pthread_cond_signal(&loop->gate_cond);
    pthread_mutex_unlock(&loop->gate_lock);
}

static void *worker_main(void *arg)
{
    worker_arg *wa = arg;
    net_loop *loop = wa->loop;
    _Atomic uint64_t *my_epoch = &loop->worker_epochs[wa->index];
    _Atomic int64_t *busy = &loop->busy_since[wa->index];
    if (!gate_enter(loop))
        return NULL;
    while (!atomic_load(&loop->stopping)) {
        if (atomic_load(&loop->admitted) > loop->active_limit) {
            /* Let in for a long event that has ended: back to the gate, holding nothing. */
            atomic_store(my_epoch, UINT64_MAX);
            gate_leave(loop);
            if (!gate_enter(loop))
                return NULL;
        }
        struct epoll_event ev;
        /* Entering the wait: nothing this thread took before is still in its hands. */
        atomic_store(my_epoch, atomic_load(&loop->epoch));
        int n = epoll_wait(loop->epfd, &ev, 1, 1000);
        if (n <= 0)
            continue;
        atomic_store(busy, clock_monotonic_us());
        ev_tag *tag = ev.data.ptr;
        switch (tag->kind) {
        case EV_CONN:
            handle_conn_event((net_conn *)tag);
            break;
        case EV_LISTENER:
            net_accept_ready(loop, (net_listener *)tag);
            break;
        case EV_WAKE:
            run_woken(loop);
            break;
        case EV_TIMER:
            handle_timer(loop);
            break;
        case EV_SIGNAL:
            handle_signal(loop);
            break;
        case EV_STOP:
            atomic_store(busy, 0);
            return NULL;
        }
        atomic_store(busy, 0);
    }
    return NULL;
}

void net_loop_run(net_loop *loop)
{
    int n = loop->nworkers;
    loop->threads = calloc((size_t)n, sizeof *loop->threads);
    worker_arg *args = calloc((size_t)n, sizeof *args);
    if (!loop->threads || !args) {
        free(loop->threads);
        free(args);
        return;
    }
    loop->nthreads = 0;
    for (int i = 1; i < n; i++) {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        /* Deep parse trees recurse; PostgreSQL's parser itself guards depth, we keep 8 MiB. */
        pthread_attr_setstacksize(&attr, 8u << 20);
        args[i] = (worker_arg){loop, i};
        if (pthread_create(&loop->threads[loop->nthreads], &attr, worker_main, &args[i]) == 0)
            loop->nthreads++;
        pthread_attr_destroy(&attr);
    }
    args[0] = (worker_arg){loop, 0};
    worker_main(&args[0]);
    for (int i = 0; i < loop->nthreads; i++)
        pthread_join(loop->threads[i], NULL);
    free(loop->threads);
    free(args);
    loop->threads = NULL;
}

void net_loop_stop(net_loop *loop)
{
    atomic_store(&loop->stopping, true);
    pthread_mutex_lock(&loop->gate_lock);
    pthread_cond_broadcast(&loop->gate_cond);
    pthread_mutex_unlock(&loop->gate_lock);
    uint64_t one = 1;
    ssize_t w = write(loop->stop_fd, &one, sizeof one);
    (void)w;
}

int net_loop_connection_count(const net_loop *loop)
{
    return atomic_load(&((net_loop *)loop)->conn_count);
}

void net_loop_destroy(net_loop *loop)
{
    if (!loop)
        return;
    net_loop_close_listeners(loop);
    /* Connections still open at this point belong to a server that is exiting. */
    net_conn *c = loop->all_conns;
    while (c) {
        net_conn *next = c->all_next;
        if (loop->handler.on_close)
            loop->handler.on_close(c, c->session);
        net_conn_free(c);
        c = next;
    }
    net_reclaim(loop, true);
    while (loop->closed_listeners) {
        net_listener *next = loop->closed_listeners->next;
        free(loop->closed_listeners);
        loop->closed_listeners = next;
    }
    net_loop_tls_free(loop);
    int fds[] = {loop->epfd, loop->wake_fd, loop->stop_fd, loop->timer_fd, loop->signal_fd};
    for (size_t i = 0; i < ARRAY_LEN(fds); i++)
        if (fds[i] >= 0)
            close(fds[i]);
    pthread_mutex_destroy(&loop->lock);
    pthread_mutex_destroy(&loop->zombie_lock);
    pthread_mutex_destroy(&loop->gate_lock);
    pthread_cond_destroy(&loop->gate_cond);
    free(loop->worker_epochs);
    free(loop->busy_since);
    free(loop);
}
