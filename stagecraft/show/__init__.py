"""The show: programs of pieces and cues (`program`), standby, GO and timers (`control`), one piece
crossing into the next (`transition`), the operator's keys and mouse (`controls`), what the
operator is told (`operator`) and their terminal (`console`)."""
