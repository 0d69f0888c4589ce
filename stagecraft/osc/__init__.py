"""OSC: the audience's port and the operators' port, validated before anything reads them.

    wire       our own decoder: every packet checked whole (sizes, padding, tags, UTF-8, NaN)
    match      address patterns (OSC 1.0 and 1.1's //) in linear time
    limits     token buckets per audience sender; the operators' allowlist
    receive    one thread per port: read, validate, gate, queue (stagecraft.crossings.OscInbox)
    space      entries and their argument parsers; addresses  the table of every address
    schedule   bundles dated in the future; replies  /reply/... and /updates pushes
    record     --record-osc and render --replay; hub  the frame loop's drain step
"""
