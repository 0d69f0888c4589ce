"""The audience's phones: the Empathy Echo Platform. A gateway process serves one page and a
WebSocket (`gateway`, `page.html`); the engine starts and watches it and hands its gestures to
the audience's one path in (`client`); who a phone is, and which words may reach the stage
(`words`); the QR code that brings a phone to the page (`qr`)."""
