"""The room: what each projector shows. A mapping file (`mapping`) names the outputs, the part of
the canvas each shows, its corner pin (`homography`), soft edges, masks and gain; the output stage
(`stage`) draws them, after the fade and the flash limiter, side by side into one spanning
framebuffer: one window across the displays live, one image headless and offline."""
