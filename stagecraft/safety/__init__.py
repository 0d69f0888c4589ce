"""What protects the audience on the output: WCAG 2.3.1 flashes counted (`flash`, the checker),
the limiter's plan (`hold`) and its GPU side (`limiter`), and the picture's fade to black
(`fade`: blackout and panic)."""
