"""The live push to open sockets, off the request's path.

A request (or a task, a command) that notifies only *enqueues* the messages after its commit (`send()`); a
sender delivers them to the channel layer in batches (with the Redis pub/sub layer, all of a batch's PUBLISHes
in one pipelined round trip; with another layer one `group_send` per message, concurrently across groups),
in order within a group (a person's `notification` always before the `unread_count` that follows it).
Nothing here ever raises into the caller: a failing or slow layer is logged and the notification is read from
the database on the next page or reconnect.

Which sender:
- A layer shared between processes (Redis): **one background thread per process** with its own event loop
  (and so its own connections of the layer), started lazily on the first send of the process (a worker forked
  or spawned by `uvicorn --workers` or gunicorn starts its own; `os.register_at_fork` forgets the parent's).
  At process exit it is given `EXIT_FLUSH_SECONDS` to send what is queued.
- The in-memory layer (the embedded default) only delivers inside the event loop its consumers wait in, so
  the messages are sent on that loop: the loop running in this thread, else the server's loop that runs this
  sync code (asgiref's `main_event_loop`), else the last loop a consumer connected on; only when there is none
  (nobody listens in this process) the background thread.

`flush(timeout)` waits until everything queued so far has been handed to the layer: for tests and for the
process's exit, never for a request. Call it from a thread that does not run a sender's loop."""

import asyncio
import atexit
import collections
import logging
import os
import threading
import time
import weakref

from django.conf import settings

logger = logging.getLogger("pelita.notifications")

EXIT_FLUSH_SECONDS = 2.0
MAX_QUEUED = 100_000  # a layer down for long: drop the live push beyond this (the database has everything)
BATCH = 5_000  # messages handed to the layer at once (a backlog goes out in several, in order)
CONCURRENCY = 100  # group_sends in flight at once per sender (the layer's pool holds 200 connections)


def push_timeout() -> float:
    """How long a batch of up to 1,000 messages may take on the channel layer before it is given up (seconds).
    Nobody waits for it: it only keeps a wedged Redis from holding the sender for ever."""
    return float(getattr(settings, "PELITA_NOTIFY_PUSH_TIMEOUT", 5.0))


class Sender:
    """A queue of (group, message) drained by one task at a time on `loop`."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.lock = threading.Condition()
        self.queued: collections.deque = collections.deque()
        self.enqueued = 0  # messages ever queued
        self.finished = 0  # messages sent, failed or dropped
        self.draining = False

    def put(self, messages: list[tuple[str, dict]]) -> None:
        with self.lock:
            room = MAX_QUEUED - len(self.queued)
            if room < len(messages):
                logger.warning("Live push queue full: dropped %s message(s)", len(messages) - max(room, 0))
                self.enqueued += len(messages) - max(room, 0)
                self.finished += len(messages) - max(room, 0)
                messages = messages[: max(room, 0)]
            self.queued.extend(messages)
            self.enqueued += len(messages)
            if self.draining or not messages:
                return
            self.draining = True
        try:
            self.loop.call_soon_threadsafe(self._start)
        except RuntimeError:  # the loop is closed (the process is ending)
            with self.lock:
                dropped = len(self.queued)
                self.queued.clear()
                self.finished += dropped
                self.draining = False
                self.lock.notify_all()
            logger.warning("Live push: the event loop is closed, dropped %s message(s)", dropped)

    def _start(self) -> None:
        self.loop.create_task(self._drain())

    async def _drain(self) -> None:
        while True:
            with self.lock:
                batch = [self.queued.popleft() for _ in range(min(BATCH, len(self.queued)))]
                if not batch:
                    self.draining = False
                    self.lock.notify_all()
                    return
            try:
                await _send_batch(batch)
            except BaseException:  # never let the drain die with messages counted as pending
                logger.warning("Live push: batch of %s failed", len(batch), exc_info=True)
            finally:
                with self.lock:
                    self.finished += len(batch)
                    self.lock.notify_all()

    def wait(self, deadline: float) -> bool:
        with self.lock:
            target = self.enqueued
            while self.finished < target:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.lock.wait(left)
        return True


async def _send_batch(batch: list[tuple[str, dict]]) -> None:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return
    try:
        bound = push_timeout() * max(1.0, len(batch) / 1000)
        if await asyncio.wait_for(_publish_pipelined(layer, batch), timeout=bound):
            return
    except Exception as exc:
        logger.warning(
            "Could not push %s message(s) to the channel layer%s; they are stored and shown on the next page",
            len(batch),
            " in time" if isinstance(exc, TimeoutError) else "",
            exc_info=not isinstance(exc, TimeoutError),
        )
        return
    by_group: dict[str, list[dict]] = {}
    for group, message in batch:
        by_group.setdefault(group, []).append(message)
    gate = asyncio.Semaphore(CONCURRENCY)

    async def in_order(group: str, messages: list[dict]) -> None:
        async with gate:
            for message in messages:
                await layer.group_send(group, message)

    try:
        results = await asyncio.wait_for(
            asyncio.gather(*(in_order(g, m) for g, m in by_group.items()), return_exceptions=True),
            timeout=bound,
        )
    except TimeoutError:
        logger.warning(
            "Could not push %s message(s) to the channel layer in time; they are stored and shown on the next page",
            len(batch),
        )
        return
    failed = [r for r in results if isinstance(r, BaseException)]
    if failed:
        logger.warning(
            "Could not push %s of %s message(s) to the channel layer; they are stored and shown on the next page",
            len(failed),
            len(batch),
            exc_info=failed[0],
        )


async def _publish_pipelined(layer, batch: list[tuple[str, dict]]) -> bool:
    """The configured RedisPubSubChannelLayer: every PUBLISH of the batch in one pipelined round trip per shard,
    in the batch's order, instead of one locked round trip per message (its `group_send` holds the shard's lock
    for each publish, so concurrency does not help: 1,000 recipients were 1,000 sequential round trips).
    Uses channels_redis 4's shard internals, exactly what its `group_send` does; False (the caller falls back
    to `group_send`) for any other layer or a version without them."""
    try:
        from channels_redis.pubsub import RedisPubSubChannelLayer
    except ImportError:
        return False
    if not isinstance(layer, RedisPubSubChannelLayer):
        return False
    loop_layer = layer._get_layer()
    if not all(hasattr(loop_layer, a) for a in ("_get_group_channel_name", "_get_shard")):
        return False
    shards: dict[int, tuple] = {}
    for group, message in batch:
        name = loop_layer._get_group_channel_name(group)
        shard = loop_layer._get_shard(name)
        if not all(hasattr(shard, a) for a in ("_lock", "_ensure_redis", "_redis")):
            return False
        shards.setdefault(id(shard), (shard, []))[1].append((name, layer.serialize(message)))
    for shard, items in shards.values():
        async with shard._lock:
            shard._ensure_redis()
            pipe = shard._redis.pipeline(transaction=False)
            for name, data in items:
                pipe.publish(name, data)
            await pipe.execute()
    return True


# --- which sender ---------------------------------------------------------------------------------------

_state = threading.Lock()
_thread_sender: Sender | None = None
_thread_pid: int | None = None
_loop_senders: dict[int, Sender] = {}  # by id(loop); closed loops are dropped
_consumer_loop: "weakref.ref | None" = None


def _forget_after_fork() -> None:
    global _thread_sender, _thread_pid, _consumer_loop, _state
    _state = threading.Lock()
    _thread_sender, _thread_pid, _consumer_loop = None, None, None
    _loop_senders.clear()


os.register_at_fork(after_in_child=_forget_after_fork)


def consumer_connected() -> None:
    """Called by the consumer on connect (in its event loop): where the in-memory layer's listeners are."""
    global _consumer_loop
    loop = asyncio.get_running_loop()
    if _consumer_loop is None or _consumer_loop() is not loop:
        _consumer_loop = weakref.ref(loop)


def _background() -> Sender:
    global _thread_sender, _thread_pid
    with _state:
        if _thread_sender is not None and _thread_pid == os.getpid():
            return _thread_sender
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="pelita-live-push", daemon=True)
        thread.start()
        _thread_sender, _thread_pid = Sender(loop), os.getpid()
        return _thread_sender


def _on_loop(loop: asyncio.AbstractEventLoop) -> Sender:
    with _state:
        for key in [k for k, s in _loop_senders.items() if s.loop.is_closed()]:
            del _loop_senders[key]
        sender = _loop_senders.get(id(loop))
        if sender is None or sender.loop is not loop:
            sender = _loop_senders[id(loop)] = Sender(loop)
        return sender


def _listeners_loop() -> asyncio.AbstractEventLoop | None:
    """The loop the in-memory layer's consumers wait in, as seen from this thread."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    from asgiref.sync import SyncToAsync

    local = SyncToAsync.threadlocal
    if getattr(local, "main_event_loop_pid", None) == os.getpid():
        loop = getattr(local, "main_event_loop", None)
        if loop is not None and loop.is_running():
            return loop
    loop = _consumer_loop() if _consumer_loop is not None else None
    if loop is not None and loop.is_running():
        return loop
    return None


def _in_process_layer() -> bool:
    from channels.layers import InMemoryChannelLayer, get_channel_layer

    return isinstance(get_channel_layer(), InMemoryChannelLayer)


def send(messages: list[tuple[str, dict]]) -> None:
    """Queue (group, message) pairs for the channel layer and return at once. Never raises."""
    if not messages:
        return
    try:
        loop = _listeners_loop() if _in_process_layer() else None
        (_on_loop(loop) if loop is not None else _background()).put(list(messages))
    except Exception:
        logger.warning("Could not queue %s live message(s)", len(messages), exc_info=True)


def flush(timeout: float = 10.0) -> bool:
    """Wait until every message queued so far in this process was handed to the channel layer (or failed).
    True when all were within `timeout` seconds. For tests and the process's exit."""
    deadline = time.monotonic() + timeout
    with _state:
        senders = [s for s in _loop_senders.values() if not s.loop.is_closed()]
        if _thread_sender is not None and _thread_pid == os.getpid():
            senders.append(_thread_sender)
    return all([s.wait(deadline) for s in senders])


@atexit.register
def _flush_at_exit() -> None:
    sender = _thread_sender if _thread_pid == os.getpid() else None
    if sender is not None and not sender.wait(time.monotonic() + EXIT_FLUSH_SECONDS):
        logger.warning("Live push: the process ended with messages not yet sent")
