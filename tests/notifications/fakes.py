"""Channels for tests: a recording channel that writes each message it sends to a file (one line: the delivery
ids), after a delay that plays the provider's network time."""

import time
from pathlib import Path

from portal.notifications.channels import Channel, Message


class RecordingChannel(Channel):
    def address(self, user) -> str:
        return f"user-{user.pk}"

    def send(self, message: Message) -> str:
        time.sleep(float(self.options.get("delay", 0)))
        with Path(self.options["path"]).open("a") as out:
            out.write(",".join(str(i) for i in message.delivery_ids) + "\n")
        if self.options.get("threads"):
            import threading

            with Path(self.options["threads"]).open("a") as out:
                out.write(threading.current_thread().name + "\n")
        return message.key
