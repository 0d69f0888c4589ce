"""Unattended galleries: opening hours, attract mode and resuming where it was (`mode`, `hours`),
the supervisor that restarts a crashed or hung engine (`supervisor`), and handing freed memory
back to the system over weeks of running (`heap`)."""
