"""Files out of the engine: offline renders, stills and the trailer (`offline`), frames to video
and PNG and back (`record`), the contact sheet (`contact`), and a render's progress bar."""
