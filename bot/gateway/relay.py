"""The relay between the message log and Rasa.

Every inbound message is stored as `pending` before anything else happens. A client's
pending messages are forwarded to Rasa one at a time, in order; the replies are stored
and the message marked `answered` in one transaction, then pushed to whoever listens.
When Rasa is not reachable the messages simply stay pending, and a background loop
delivers them once it is back: a restart of any process loses nothing.

Channels that can write to a client on their own (Telegram) register a sender. The replies to a
message that came in on such a channel, and check-in offers for it, are stored `unsent`: the
client's outbox. A task per client sends its outbox in order, oldest first, and marks each
message `sent` once the channel confirmed it; what fails stays unsent and `run_retries` sends it
again later, so a long outage or a restart between storing and sending loses no reply. One
client's wait (Telegram may ask for minutes after a 429) holds up nobody else. The WebSocket
listeners are served as before, whatever the channel.

Exactly once where possible: a send that timed out may have reached the client all the same, and
is then sent again (a duplicate is better than a lost reply); a message Telegram gets in several
parts (a long text) is sent whole again if a later part failed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Awaitable, Callable, Protocol

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.gateway.inbound import Rejection
from bot.gateway.keyed_locks import KeyedLocks
from bot.gateway.rate_limit import MessageRateLimit
from bot.gateway.rasa_client import RasaClient, RasaUnavailable
from bot.gateway.turn_input import accepted_payload, rasa_input
from bot.gateway.wording import PRACTITIONER_LABEL, PRACTITIONER_REPLY_NOTE
from bot.storage import message_log
from bot.storage.assignment import client_notices
from bot.storage.check_ins import QUIET_AFTER_DISTRESS, check_in_offer, pushed_check_in_offer
from bot.storage.contact import author_of
from bot.storage.identity import WEB_CHANNEL
from bot.storage.engine import DATABASE_AWAY, transaction
from bot.storage.deletion import deletion_requested
from bot.storage.erasure import erase_client, expire_exports
from bot.storage.safety import safety_flags_since
from bot.storage.models import Client, Message, utcnow
from bot.storage.progress import CONSENT_DECLINED, idle_declined_clients, latest_consent
from bot.storage.tracker_events import delete_tracker_events

logger = logging.getLogger(__name__)

DECLINED_CONVERSATION_IDLE = timedelta(minutes=30)
EXPORT_LIFETIME = timedelta(hours=1)
SWEEP_INTERVAL_SECONDS = 60
# After a failed send the outbox waits before `run_retries` tries again, doubling up to the maximum;
# a new reply for the client tries at once. Read at call time, so that tests can shorten them.
OUTBOX_FIRST_BACKOFF_SECONDS = 5.0
OUTBOX_MAX_BACKOFF_SECONDS = 300.0
# Client references (`ref`) of accepted messages remembered, so that one sent again is stored once.
RECENT_REFS = 10_000

Listener = Callable[[dict[str, Any]], Awaitable[None]]


class Undeliverable(Exception):
    """The channel refused a message for good (the bot was blocked, the chat is gone): not sent again.

    Its message is logged, so it says why in fixed words or an error type, never client text.
    """


class DeliverLater(Exception):
    """The channel asks not to be sent anything for `seconds` (Telegram's flood control)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry in {seconds:.0f} s")
        self.seconds = seconds


class ChannelSender(Protocol):
    """Delivers stored messages to a client on one channel (the message views of `message_view`)."""

    async def send(self, client_id: str, messages: list[dict[str, Any]]) -> None:
        """Return once the channel has them; raise Undeliverable, DeliverLater, or anything else to retry later."""
        ...

    async def reachable_clients(self) -> list[str]:
        """The clients this channel can write to now, without waiting for them to write first."""
        ...


def message_view(message: Message) -> dict[str, Any]:
    """A stored message as the API shows it.

    For the API a reply is `sent` once stored: whether Telegram has it yet (`unsent`, `failed`) is
    the outbox's business, and the web chat shows the reply either way.
    """
    content = message.content or {}
    status = message_log.SENT if message.status in (message_log.UNSENT, message_log.FAILED) else message.status
    author = author_of(message)
    return {
        "id": message.id,
        "direction": message.direction,
        "text": message.text,
        "buttons": content.get("buttons", []),
        "image": content.get("image"),
        "attachment": content.get("attachment"),
        "status": status,
        "created_at": message.created_at.isoformat() + "Z",
        # A message the client's practitioner wrote: every channel shows it as theirs (bot/gateway/outreach.py).
        "author": None
        if author is None
        else {
            "role": "practitioner",
            "name": author,
            "label": PRACTITIONER_LABEL.format(name=author),
            "note": PRACTITIONER_REPLY_NOTE.format(name=author),
        },
    }


@dataclass
class Turn:
    inbound: dict[str, Any]
    replies: list[dict[str, Any]]
    erased: bool = False  # the client's data went at the end of this turn (they asked for it)


class TurnRelay:
    def __init__(
        self,
        session_factory: sessionmaker,
        rasa: RasaClient,
        tracker_engine: Engine,
        retry_interval: float = 2.0,
        check_in_interval: float = 300.0,
        media_dir: Path | None = None,
        rate_limit: MessageRateLimit | None = None,
    ) -> None:
        self._sessions = session_factory
        self._rasa = rasa
        self._tracker_engine = tracker_engine
        self._retry_interval = retry_interval
        self._locks = KeyedLocks()  # one client's turns are taken one at a time
        self._listeners: defaultdict[str, set[Listener]] = defaultdict(set)
        # POST /api/messages waits on these: a Turn once answered, None once it is clear it must queue.
        self._waiting: dict[int, tuple[str, asyncio.Future[Turn | None]]] = {}
        self._last_sweep = 0.0
        self._check_in_interval = check_in_interval
        self._media_dir = media_dir or Path("var/media")
        self._rate_limit = rate_limit
        self._last_check_in = 0.0
        self._deliveries: set[asyncio.Task] = set()  # held so that running deliveries are not garbage-collected
        self._channel_senders: dict[str, ChannelSender] = {}
        # The outbox: one sending task per client at most, so that a client's messages stay in order.
        self._outbox_tasks: dict[str, asyncio.Task] = {}
        self._outbox_again: set[str] = set()  # clients with messages stored since their task last looked
        self._outbox_backoff: dict[str, tuple[float, float]] = {}  # client -> (not before, next wait)
        self._outbox_retry_after: dict[str, float] = {}  # client -> not before, as the channel asked
        # Messages handed to Rasa whose replies are not stored yet: sent again, Rasa is told it may have them.
        self._sent_to_rasa: set[int] = set()
        self._recent_refs: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()
        self._started_at = utcnow()

    # -- listeners (WebSocket connections) ------------------------------------------

    def listen(self, client_id: str, listener: Listener) -> None:
        self._listeners[client_id].add(listener)

    def stop_listening(self, client_id: str, listener: Listener) -> None:
        self._listeners[client_id].discard(listener)
        if not self._listeners[client_id]:
            del self._listeners[client_id]

    async def _publish(self, client_id: str, event: dict[str, Any]) -> None:
        for listener in list(self._listeners.get(client_id, ())):
            try:
                await listener(event)
            except Exception:  # a closed socket must not stop delivery to the others
                logger.debug("dropping a listener of client %s", client_id, exc_info=True)
                self.stop_listening(client_id, listener)

    # -- channel senders (channels the bot can write to on its own) ---------------------

    def add_channel_sender(self, channel: str, sender: ChannelSender) -> None:
        self._channel_senders[channel] = sender

    def _outbound_status(self, channel: str) -> str:
        """Unsent (the outbox sends it) on a channel with a sender; sent when storing is delivering (web)."""
        return message_log.UNSENT if channel in self._channel_senders else message_log.SENT

    def channels_with_sender(self) -> list[str]:
        """The channels the bot can write to on its own (Telegram, when it is on)."""
        return list(self._channel_senders)

    def outbound_status(self, channel: str) -> str:
        """The status a message the bot starts on `channel` is stored with (see _outbound_status)."""
        return self._outbound_status(channel)

    async def announce(self, client_id: str, message: dict[str, Any]) -> None:
        """A stored message the bot started (not a reply): shown in the client's open web chats at once,
        and sent from their outbox on a channel with a sender."""
        await self._publish(client_id, {"type": "message", "message": message})
        self.send_outbox(client_id)

    # -- the outbox ---------------------------------------------------------------------

    def send_outbox(self, client_id: str, retrying: bool = False) -> None:
        """Send the client's unsent messages in the background, in order; returns at once.

        `retrying` (from `run_retries`) respects the back-off after a failed send; a new reply tries
        at once. A wait the channel asked for (a 429) is respected either way.
        """
        if not self._channel_senders:
            return
        self._outbox_again.add(client_id)
        running = self._outbox_tasks.get(client_id)
        if running is not None and not running.done():
            return  # it looks again before it ends
        now = time.monotonic()
        if now < self._outbox_retry_after.get(client_id, 0.0):
            return
        if retrying and now < self._outbox_backoff.get(client_id, (0.0, 0.0))[0]:
            return
        task = asyncio.create_task(self._send_outbox(client_id))
        self._outbox_tasks[client_id] = task
        task.add_done_callback(lambda done: self._outbox_finished(client_id, done))

    def _outbox_finished(self, client_id: str, task: asyncio.Task) -> None:
        if self._outbox_tasks.get(client_id) is task:
            del self._outbox_tasks[client_id]
        if not task.cancelled() and task.exception() is not None:
            logger.warning("the outbox of client %s failed (%s)", client_id, type(task.exception()).__name__)

    async def send_all_unsent(self) -> None:
        """Start sending every client's outbox, e.g. once a channel is connected after a restart."""
        for client_id in await asyncio.to_thread(self._clients_with_unsent):
            self._outbox_backoff.pop(client_id, None)
            self.send_outbox(client_id)

    async def _send_outbox(self, client_id: str) -> None:
        while True:
            self._outbox_again.discard(client_id)
            unsent = await asyncio.to_thread(self._unsent_of, client_id)
            if not unsent:
                if client_id in self._outbox_again:
                    continue  # stored while we looked
                return
            for channel, view in unsent:
                sender = self._channel_senders[channel]
                try:
                    await sender.send(client_id, [view])
                except Undeliverable as error:
                    logger.warning("client %s: message %s cannot be sent on %s (%s)", client_id, view["id"], channel, error)
                    await asyncio.to_thread(self._mark_delivery, client_id, view["id"], message_log.FAILED)
                    continue
                except DeliverLater as later:
                    logger.info("client %s: %s asks to wait %.0f s; the outbox waits", client_id, channel, later.seconds)
                    self._outbox_retry_after[client_id] = time.monotonic() + later.seconds
                    return
                except Exception as error:  # the type only: an error may quote what was sent
                    self._back_off(client_id)
                    logger.warning(
                        "could not send message %s to client %s on %s (%s); it stays unsent and is sent again later",
                        view["id"], client_id, channel, type(error).__name__,
                    )
                    return
                self._outbox_backoff.pop(client_id, None)
                self._outbox_retry_after.pop(client_id, None)
                await asyncio.to_thread(self._mark_delivery, client_id, view["id"], message_log.SENT)

    def _back_off(self, client_id: str) -> None:
        _, wait = self._outbox_backoff.get(client_id, (0.0, OUTBOX_FIRST_BACKOFF_SECONDS))
        self._outbox_backoff[client_id] = (time.monotonic() + wait, min(wait * 2, OUTBOX_MAX_BACKOFF_SECONDS))

    def _send_without_log(self, channel: str, client_id: str, messages: list[dict[str, Any]]) -> None:
        """The last replies to a client whose data is gone: sent once from memory, after their outbox."""
        sender = self._channel_senders.get(channel)
        if sender is None or not messages:
            return
        earlier = self._outbox_tasks.get(client_id)

        async def send() -> None:
            if earlier is not None:
                await asyncio.wait([earlier])
            try:
                await sender.send(client_id, messages)
            except Exception as error:
                logger.info("could not send the last messages to erased client %s (%s)", client_id, type(error).__name__)

        task = asyncio.create_task(send())
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)

    def _unsent_of(self, client_id: str) -> list[tuple[str, dict[str, Any]]]:
        with transaction(self._sessions) as session:
            return [
                (message.channel, message_view(message))
                for message in message_log.unsent_outbound(session, client_id, list(self._channel_senders))
            ]

    def _clients_with_unsent(self) -> list[str]:
        if not self._channel_senders:
            return []
        with transaction(self._sessions) as session:
            return message_log.clients_with_unsent(session, list(self._channel_senders))

    def _mark_delivery(self, client_id: str, message_id: int, status: str) -> None:
        with transaction(self._sessions) as session:
            message_log.mark_delivery(session, message_id, status)
            consent = latest_consent(session, client_id)
            if consent is not None and consent.decision == CONSENT_DECLINED:
                # Kept only until sent: someone who said no to storage keeps nothing but that refusal.
                message_log.forget_answered_messages(session, client_id)

    # -- accepting messages -----------------------------------------------------------

    async def accept(
        self,
        client_id: str,
        channel: str,
        text: str | None,
        payload: str | None,
        from_client: bool = True,
        ref: str | None = None,
        trusted_payload: bool = False,
    ) -> dict[str, Any]:
        """Store an inbound message as pending and start delivering it; returns its view.

        `from_client` is False for what the gateway sends on the client's behalf (the opening
        greeting), which does not count towards their rate limit. A client's `payload` is kept only
        if it belongs to a button offered to them lately, unless it is `trusted_payload` (a Telegram
        command the gateway itself maps to an intent); otherwise the text goes. `ref` is the client's own
        reference (the web chat's outbox): a message sent again with a ref seen lately is not
        stored twice; its first view is returned. Refs are remembered in memory, for the last
        RECENT_REFS messages: a gateway restart forgets them.
        """
        if ref is not None and (client_id, ref) in self._recent_refs:
            return self._recent_refs[(client_id, ref)]
        counted = from_client and self._rate_limit is not None
        if counted:
            self._rate_limit.check(client_id)

        def store() -> dict[str, Any]:
            with transaction(self._sessions) as session:
                if session.get(Client, client_id) is None:  # deleted at their own request meanwhile
                    raise Rejection(401, "unknown_client", "This conversation was deleted. Reload to start afresh.")
                kept = payload if trusted_payload or not from_client else accepted_payload(session, client_id, payload)
                # A payload not kept is read as text: the button's title, or the payload's own words.
                shown = text if kept is not None else text or payload
                return message_view(message_log.record_inbound(session, client_id, channel, shown, kept))

        try:
            view = await asyncio.to_thread(store)
        except DATABASE_AWAY:
            if counted:
                self._rate_limit.give_back(client_id)  # the client sends it again once the database is back
            raise
        if ref is not None:
            self._recent_refs[(client_id, ref)] = view
            while len(self._recent_refs) > RECENT_REFS:
                self._recent_refs.popitem(last=False)
        logger.debug("client %s: message %s stored as pending", client_id, view["id"])
        self._waiting[view["id"]] = (client_id, asyncio.get_running_loop().create_future())
        delivery = asyncio.create_task(self.deliver(client_id))
        self._deliveries.add(delivery)
        delivery.add_done_callback(self._deliveries.discard)
        return view

    async def wait_for_turn(self, message_id: int, timeout: float) -> Turn | None:
        """The stored message and its replies once answered, or None if that takes longer than `timeout`."""
        if message_id not in self._waiting:
            return None
        _, future = self._waiting[message_id]
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except asyncio.TimeoutError:
            return None

    # -- delivering -------------------------------------------------------------------

    async def deliver(self, client_id: str) -> None:
        """Forward the client's pending messages to Rasa in order, until none is left or Rasa is away."""
        try:
            await self._deliver(client_id)
        except DATABASE_AWAY as error:
            # Whatever is pending stays so in the database; `run_retries` delivers it once it is back.
            logger.warning("database unavailable while delivering to client %s (%s)", client_id, type(error).__name__)
            self._resolve_waiters(client_id, None)
            await self._publish(client_id, {"type": "status", "status": "queued"})

    async def _deliver(self, client_id: str) -> None:
        async with self._locks.hold(client_id):
            while True:
                pending = await asyncio.to_thread(self._oldest_pending, client_id)
                if pending is None:
                    return
                message_id, text, metadata, channel, created_at = pending
                # Sent before by this gateway, or pending since before it started: Rasa may have it already.
                maybe_seen = message_id in self._sent_to_rasa or created_at < self._started_at
                self._sent_to_rasa.add(message_id)
                try:
                    replies = await self._rasa.send(
                        client_id, text, channel, message_id=message_id, maybe_seen=maybe_seen, metadata=metadata
                    )
                except RasaUnavailable as error:
                    logger.info("Rasa unavailable (%s); client %s's message %s waits", error, client_id, message_id)
                    self._resolve_waiters(client_id, None)
                    await self._publish(client_id, {"type": "status", "status": "queued"})
                    return
                turn = await asyncio.to_thread(self._store_replies, message_id, replies)
                self._sent_to_rasa.discard(message_id)
                self._resolve_waiter(message_id, turn)
                for reply in turn.replies:
                    await self._publish(client_id, {"type": "message", "message": reply})
                # Not awaited: the outbox task sends them in order, and a slow channel holds up no turn.
                if turn.erased:
                    self._send_without_log(channel, client_id, turn.replies)
                else:
                    self.send_outbox(client_id)

    def _resolve_waiter(self, message_id: int, outcome: Turn | None) -> None:
        _, future = self._waiting.pop(message_id, (None, None))
        if future is not None and not future.done():
            future.set_result(outcome)

    def _resolve_waiters(self, client_id: str, outcome: Turn | None) -> None:
        for message_id in [m for m, (owner, _) in self._waiting.items() if owner == client_id]:
            self._resolve_waiter(message_id, outcome)

    def _oldest_pending(self, client_id: str) -> tuple[int, str, dict[str, Any], str, datetime] | None:
        """The client's oldest pending message: its id, what Rasa reads and its metadata, channel, time."""
        with transaction(self._sessions) as session:
            pending = message_log.pending_inbound(session, client_id)
            if not pending:
                return None
            first = pending[0]
            text, metadata = rasa_input(session, first)
            return first.id, text, metadata, first.channel, first.created_at

    def _store_replies(self, message_id: int, replies: list[dict[str, Any]]) -> Turn:
        with transaction(self._sessions) as session:
            inbound = session.get(Message, message_id)
            client_id = inbound.client_id
            status = self._outbound_status(inbound.channel)
            stored = message_log.record_replies(session, inbound, replies, status)
            consent = latest_consent(session, client_id)
            declined = consent is not None and consent.decision == CONSENT_DECLINED
            declined_in_this_turn = declined and consent.recorded_at >= inbound.created_at
            erase = deletion_requested(session, client_id)
            # A client the bot cannot reach on its own hears about due steps at their next message,
            # but not right after a crisis answer (nor within a day of one) or their goodbye to all their data.
            distress_since = min(inbound.created_at, utcnow() - QUIET_AFTER_DISTRESS)
            quiet = declined or erase or bool(safety_flags_since(session, client_id, distress_since))
            offer = None if quiet else check_in_offer(session, client_id)
            # News from the service (a new practitioner) follows the answer; not held back by distress.
            unprompted = [*client_notices(session, client_id), *([offer] if offer else [])]
            for said in unprompted:
                stored.append(message_log.record_outbound(session, client_id, inbound.channel, said, inbound.id, status))
            session.flush()
            turn = Turn(inbound=message_view(inbound), replies=[message_view(m) for m in stored], erased=erase)
            if declined:
                # Someone who said no to storage keeps nothing in our log but that refusal.
                message_log.forget_answered_messages(session, client_id)
        if erase:
            # The client asked for everything to go: the replies of this turn reach them, and then
            # all of it goes, Rasa's record of this very turn included.
            erase_client(self._sessions, self._tracker_engine, self._media_dir, client_id)
        elif declined_in_this_turn:
            # Rasa's record goes too. Later turns of a client who declined keep Rasa's state while
            # they talk (an answer to "are you safe right now?" needs its question); the idle sweep
            # removes it once they have gone quiet.
            self._forget_tracker(client_id)
        return turn

    def _forget_tracker(self, client_id: str) -> None:
        try:
            delete_tracker_events(self._tracker_engine, client_id)
        except Exception:
            logger.warning("could not remove Rasa's events of client %s; the idle sweep retries", client_id, exc_info=True)

    # -- retrying and sweeping ---------------------------------------------------------

    async def run_retries(self) -> None:
        """Deliver whatever is pending or unsent (after a restart, once Rasa or a channel is back), for ever."""
        try:
            await self._retry_forever()
        finally:
            for task in list(self._outbox_tasks.values()):
                task.cancel()  # what they were sending stays unsent, for the next start

    async def _retry_forever(self) -> None:
        while True:
            try:
                client_ids = await asyncio.to_thread(self._clients_with_pending)
                for client_id in client_ids:
                    if not self._locks.busy(client_id):
                        await self.deliver(client_id)
                # Started, not awaited: a client whose channel makes them wait holds up nobody else.
                for client_id in await asyncio.to_thread(self._clients_with_unsent):
                    self.send_outbox(client_id, retrying=True)
                if time.monotonic() - self._last_check_in > self._check_in_interval:
                    self._last_check_in = time.monotonic()
                    await self.offer_check_ins()
                if time.monotonic() - self._last_sweep > SWEEP_INTERVAL_SECONDS:
                    self._last_sweep = time.monotonic()
                    await asyncio.to_thread(self.forget_idle_declined_conversations)
                    await asyncio.to_thread(expire_exports, self._media_dir, datetime.now() - EXPORT_LIFETIME)
            except DATABASE_AWAY as error:
                logger.warning("database unavailable (%s); retrying shortly", type(error).__name__)
            except Exception:
                logger.exception("retrying pending messages failed; trying again shortly")
            await asyncio.sleep(self._retry_interval)

    async def offer_check_ins(self) -> None:
        """Offer a check-in on due steps (and the service's news) to every client the bot can reach now."""
        reachable: dict[str, list[str]] = {client_id: [WEB_CHANNEL] for client_id in list(self._listeners)}
        for channel, sender in list(self._channel_senders.items()):
            try:
                client_ids = await sender.reachable_clients()
            except Exception:
                logger.warning("could not list the clients reachable on %s", channel, exc_info=True)
                continue
            for client_id in client_ids:
                reachable.setdefault(client_id, []).append(channel)
        for client_id, channels in reachable.items():
            await self._say_unprompted(client_id, channels)

    async def tell_now(self, client_id: str) -> None:
        """Tell one client the service's news at once if they can be reached (an open chat, Telegram).

        Otherwise it waits for their next message, or for them to open the chat.
        """
        channels = [WEB_CHANNEL] if client_id in self._listeners else []
        for channel, sender in list(self._channel_senders.items()):
            try:
                if client_id in await sender.reachable_clients():
                    channels.append(channel)
            except Exception:
                logger.warning("could not list the clients reachable on %s", channel, exc_info=True)
        if channels:
            await self._say_unprompted(client_id, channels)

    async def _say_unprompted(self, client_id: str, channels: list[str]) -> None:
        # Stored once: in the outbox of a channel with a sender if the client has one, and shown
        # to their open web chats too.
        channel = next((c for c in channels if c in self._channel_senders), channels[0])
        messages = await asyncio.to_thread(self._store_unprompted, client_id, channel)
        for message in messages:
            await self.announce(client_id, message)

    async def offer_check_in_on_arrival(self, client_id: str) -> None:
        """A client opening their chat hears the service's news and about steps that fell due while they were away."""
        for message in await asyncio.to_thread(self._store_unprompted, client_id):
            await self._publish(client_id, {"type": "message", "message": message})

    def _store_unprompted(self, client_id: str, channel: str = WEB_CHANNEL) -> list[dict[str, Any]]:
        """What the bot says on its own: the service's news, then a check-in offer under the quiet rules
        of bot/storage/check_ins.py."""
        with transaction(self._sessions) as session:
            offer = pushed_check_in_offer(session, client_id)
            unprompted = [*client_notices(session, client_id), *([offer] if offer else [])]
            messages = [
                message_log.record_outbound(session, client_id, channel, said, status=self._outbound_status(channel))
                for said in unprompted
            ]
            session.flush()
            return [message_view(message) for message in messages]

    async def erase(self, client_id: str) -> None:
        """Erase a client completely (our rows, Rasa's events, their files), e.g. an empty one left by linking."""
        await asyncio.to_thread(erase_client, self._sessions, self._tracker_engine, self._media_dir, client_id)

    def forget_idle_declined_conversations(self) -> None:
        """Remove Rasa's record of clients who declined consent and have been quiet for a while."""
        cutoff = utcnow() - DECLINED_CONVERSATION_IDLE
        with transaction(self._sessions) as session:
            client_ids = idle_declined_clients(session, cutoff)
        for client_id in client_ids:
            self._forget_tracker(client_id)

    def _clients_with_pending(self) -> list[str]:
        with transaction(self._sessions) as session:
            return message_log.clients_with_pending(session)
