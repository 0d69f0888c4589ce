"""The audience's phones: the Empathy Echo Platform. A gateway process serves one page and a
WebSocket (`gateway`, `page.html`), kept running on the machine that serves it (`keeper`); the
engine hands what phones send to the audience's one path in (`client`); who a phone is, and which
words may reach the stage (`words`); the QR code that brings a phone to the page (`qr`)."""
