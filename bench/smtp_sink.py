"""An SMTP sink on loopback for the newsletter benchmark: accepts and counts, keeps nothing.

python bench/smtp_sink.py PORT COUNT_FILE
"""

import sys
import time

from aiosmtpd.controller import Controller


class Count:
    def __init__(self) -> None:
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        return "250 Message accepted"


def main() -> None:
    port, count_file = int(sys.argv[1]), sys.argv[2]
    handler = Count()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        while True:
            with open(count_file, "w") as out:
                out.write(str(handler.messages))
            time.sleep(0.2)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
